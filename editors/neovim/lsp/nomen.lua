-- nomen for Neovim 0.11+: put this folder on the runtimepath and call vim.lsp.enable('nomen').
-- Settings go under `settings.nomen` (see the README of the nomen repository for the list);
-- they reach the server both as initializationOptions and through didChangeConfiguration.
local settings = {
  nomen = {
    language = 'auto',
    diagnostics = { severity = 'information', firstMentionOnly = false, debounceMs = 150 },
  },
}

return {
  cmd = { vim.g.nomen_server_path or 'nomen', 'lsp' },
  filetypes = { 'text', 'markdown' },
  -- Articles rarely live in a project: any folder will do, the file's own one at least.
  root_markers = { '.nomen', '.git' },
  workspace_required = false,
  settings = settings,
  init_options = settings.nomen,
}
