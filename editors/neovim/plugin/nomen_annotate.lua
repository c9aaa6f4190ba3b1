-- nomen's annotation commands (brat .ann files beside .txt and .md documents), for Neovim 0.11+.
-- Each one sends the server's own command through workspace/executeCommand; the server keeps the
-- annotations and writes the .ann when the document is saved (:w).
--
--   :'<,'>NomenAnnotate [label]          annotate the visual selection
--   :'<,'>NomenAnnotateAll [label]       ... and every other occurrence in the document
--   :'<,'>NomenAnnotateAllWorkspace [label]  ... and in every .txt/.md file of the workspace
--   :NomenAnnotationRemove               remove the annotation under the cursor
--   :NomenAnnotationRelabel [label]      relabel it
--   :'<,'>NomenAnnotationResize          give it the visual selection as its extent
--   :NomenAnnotationLink {reference}     link it (an N line), e.g. Wikidata:Q90
--   :NomenSuggestionAccept / :NomenSuggestionReject   the suggestion under the cursor
--   :NomenModelReset                     forget what the workspace model learnt (.nomen/model.delta)
--
-- Without a label, the labels of the document's label map are offered with vim.ui.select.
if vim.g.nomen_annotate_loaded or vim.fn.has('nvim-0.11') == 0 then
  return
end
vim.g.nomen_annotate_loaded = true

local function client_of(buf)
  return vim.lsp.get_clients({ bufnr = buf, name = 'nomen' })[1]
end

-- A byte column of `line` in the client's position encoding.
local function lsp_col(line, byte, encoding)
  if encoding == 'utf-8' then
    return byte
  end
  return vim.str_utfindex(line, encoding, math.min(byte, #line), false)
end

local function line_of(buf, row)
  return vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1] or ''
end

-- The charwise visual selection ('< to '>, the last character included) as an LSP range.
local function selection_range(buf, encoding)
  local s = vim.api.nvim_buf_get_mark(buf, '<')
  local e = vim.api.nvim_buf_get_mark(buf, '>')
  local srow, erow = s[1] - 1, e[1] - 1
  local eline = line_of(buf, erow)
  local ecol = math.min(e[2], #eline)
  if ecol < #eline then
    -- '> is on the first byte of the last character: take the whole character.
    ecol = ecol + vim.str_utf_end(eline, ecol + 1) + 1
  end
  return {
    start = { line = srow, character = lsp_col(line_of(buf, srow), s[2], encoding) },
    ['end'] = { line = erow, character = lsp_col(eline, ecol, encoding) },
  }
end

local function cursor_position(buf, encoding)
  local c = vim.api.nvim_win_get_cursor(0)
  local row = c[1] - 1
  return { line = row, character = lsp_col(line_of(buf, row), c[2], encoding) }
end

local function execute(client, buf, command, argument, done)
  client:request('workspace/executeCommand', { command = command, arguments = { argument } }, function(err, result)
    if err then
      vim.notify('nomen: ' .. tostring(err.message or err), vim.log.levels.ERROR)
    elseif done then
      done(result)
    end
  end, buf)
end

-- Calls `f(label)` with the given label, or with one picked among the document's labels.
local function with_label(client, buf, given, f)
  if given and given ~= '' then
    return f(given)
  end
  execute(client, buf, 'nomen.annotation.labels', { uri = vim.uri_from_bufnr(buf) }, function(labels)
    vim.ui.select(labels or {}, { prompt = 'Label: ' }, function(choice)
      if choice then
        f(choice)
      end
    end)
  end)
end

local function define(name, opts, run)
  vim.api.nvim_create_user_command(name, function(args)
    local buf = vim.api.nvim_get_current_buf()
    local client = client_of(buf)
    if not client then
      vim.notify('nomen: the server is not attached to this buffer', vim.log.levels.WARN)
      return
    end
    run(client, buf, args)
  end, opts)
end

local function add(command, extra)
  return function(client, buf, args)
    local range = selection_range(buf, client.offset_encoding)
    with_label(client, buf, args.args, function(label)
      local argument = { uri = vim.uri_from_bufnr(buf), range = range, label = label }
      for k, v in pairs(extra) do
        argument[k] = v
      end
      execute(client, buf, command, argument, function(result)
        if result and result.added then
          vim.notify(string.format('nomen: %d annotation(s) added', result.added))
        end
      end)
    end)
  end
end

local function at_cursor(command, extra)
  return function(client, buf, args)
    local argument = { uri = vim.uri_from_bufnr(buf), position = cursor_position(buf, client.offset_encoding) }
    for k, v in pairs(extra(client, buf, args) or {}) do
      argument[k] = v
    end
    execute(client, buf, command, argument)
  end
end

local none = function() end
local selected = { range = true, nargs = '?' }
define('NomenAnnotate', selected, add('nomen.annotation.add', {}))
define('NomenAnnotateAll', selected, add('nomen.annotation.addAll', { scope = 'document' }))
define('NomenAnnotateAllWorkspace', selected, add('nomen.annotation.addAll', { scope = 'workspace' }))
define('NomenAnnotationRemove', {}, at_cursor('nomen.annotation.remove', none))
define('NomenAnnotationRelabel', { nargs = '?' }, function(client, buf, args)
  with_label(client, buf, args.args, function(label)
    at_cursor('nomen.annotation.relabel', function()
      return { label = label }
    end)(client, buf, args)
  end)
end)
define('NomenAnnotationResize', { range = true }, function(client, buf, args)
  local range = selection_range(buf, client.offset_encoding)
  at_cursor('nomen.annotation.resize', function()
    return { range = range, position = range.start }
  end)(client, buf, args)
end)
define('NomenAnnotationLink', { nargs = 1 }, at_cursor('nomen.annotation.link', function(_, _, args)
  return { id = args.args }
end))
define('NomenSuggestionAccept', {}, at_cursor('nomen.annotation.accept', none))
define('NomenSuggestionReject', {}, at_cursor('nomen.annotation.reject', none))
define('NomenModelReset', {}, function(client, buf)
  execute(client, buf, 'nomen.model.reset', { uri = vim.uri_from_bufnr(buf) }, function()
    vim.notify('nomen: the workspace model is reset to the shipped one')
  end)
end)
