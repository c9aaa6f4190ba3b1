-- nomen for Neovim 0.10, which has no vim.lsp.config: start the server from an autocommand.
-- Neovim 0.11+ uses lsp/nomen.lua instead (vim.lsp.enable('nomen')), so this does nothing there.
if vim.fn.has('nvim-0.11') == 1 or vim.g.nomen_disable_fallback then
  return
end

local here = debug.getinfo(1, 'S').source:sub(2)
local config = dofile((here:gsub('plugin/nomen%.lua$', 'lsp/nomen.lua')))

vim.api.nvim_create_autocmd('FileType', {
  pattern = config.filetypes,
  group = vim.api.nvim_create_augroup('nomen', { clear = true }),
  callback = function(args)
    local file = vim.api.nvim_buf_get_name(args.buf)
    local root = vim.fs.root(args.buf, config.root_markers) or vim.fs.dirname(file)
    vim.lsp.start({
      name = 'nomen',
      cmd = config.cmd,
      root_dir = root,
      settings = config.settings,
      init_options = config.init_options,
    }, { bufnr = args.buf })
  end,
})
