-- End-to-end test of editors/neovim itself in a real Neovim 0.11+, run headless:
--
--   NOMEN_BIN=target/release/nomen nvim --clean --headless -l tests/e2e/neovim/config.lua
--
-- It puts editors/neovim on the runtimepath, calls vim.lsp.enable('nomen') as a user's
-- init.lua would, opens a French Markdown file with accents, ’ and an emoji, and checks that
-- the server attaches with UTF-8 positions, that diagnostics cover exactly the names, that hover
-- gives the full name, that semantic tokens colour the names and that a setting passed through
-- vim.lsp.config reaches the server, and that a correction chosen from the code actions is carried
-- out by the server (written to .nomen/knowledge.toml, reflected at once), that a name the
-- server missed can be selected and marked, and is found from then on, and that the annotation
-- commands annotate a .txt file whose .ann is written exactly at :write. Ends with
-- `neovim config e2e: N passed, M failed`.

local root = vim.fn.getcwd()
local passed, failed = 0, 0

local function say(s)
  io.stdout:write(s, '\n')
  io.stdout:flush()
end

local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    say('ok   ' .. name)
  else
    failed = failed + 1
    say('FAIL ' .. name .. (detail and ('\n     ' .. tostring(detail)) or ''))
  end
  return ok
end

local function finish()
  say(string.format('neovim config e2e: %d passed, %d failed', passed, failed))
  os.exit(failed == 0 and 0 or 1)
end

vim.g.nomen_server_path = os.getenv('NOMEN_BIN') or (root .. '/target/release/nomen')
vim.opt.runtimepath:append(root .. '/editors/neovim')
-- A setting through the documented route: only the first mention of each entity is marked.
vim.lsp.config('nomen', { settings = { nomen = { diagnostics = { firstMentionOnly = true, debounceMs = 20 } } } })
vim.lsp.enable('nomen')

local dir = vim.fn.tempname()
vim.fn.mkdir(dir, 'p')
local file = dir .. '/article.md'
local lines = {
  '# Sommet à Berlin 😀',
  '',
  'La chancelière Angela Merkel a reçu l’économiste Thomas Piketty à Berlin.',
  '',
  'Selon Merkel, l’accord est « historique ». Piketty n’a pas commenté.',
  '',
  'Les dockers de la coopérative vollmarine ont voté la grève.',
}
vim.fn.writefile(lines, file)
vim.cmd.edit(file)
local buf = vim.api.nvim_get_current_buf()
check('filetype is markdown', vim.bo[buf].filetype == 'markdown', vim.bo[buf].filetype)

local client
vim.wait(10000, function()
  client = vim.lsp.get_clients({ bufnr = buf, name = 'nomen' })[1]
  return client ~= nil and client.initialized
end, 20)
if not check('nomen attaches through vim.lsp.enable', client ~= nil) then
  finish()
end
check('positions are utf-8', client.offset_encoding == 'utf-8', client.offset_encoding)

local diagnostics = {}
vim.wait(10000, function()
  diagnostics = vim.diagnostic.get(buf, { namespace = vim.lsp.diagnostic.get_namespace(client.id) })
  return #diagnostics > 0
end, 20)
local covered = {}
for _, d in ipairs(diagnostics) do
  if d.code == 'entity' then
    local text = vim.api.nvim_buf_get_text(buf, d.lnum, d.col, d.end_lnum, d.end_col, {})[1]
    local name = d.message:match('^(.-) — ')
    check('diagnostic covers exactly ' .. tostring(name), text == name, string.format('%q vs %q', text, name))
    table.insert(covered, text)
  end
end
table.sort(covered)
check(
  'first mentions only (the setting reached the server)',
  table.concat(covered, ',') == 'Angela Merkel,Berlin,Thomas Piketty',
  table.concat(covered, ',')
)

-- Hover on the bare "Merkel" of line 5 (byte column of the M, after "Selon ").
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 4, character = 8 } }
local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 5000)
local value = ''
for _, r in pairs(hover or {}) do
  if r.result and r.result.contents then
    value = r.result.contents.value or ''
  end
end
check('hover names the full name', value:find('Angela Merkel', 1, true) ~= nil, value)
check('hover says the kind', value:find('person', 1, true) ~= nil, value)

local tokens = {}
vim.wait(5000, function()
  tokens = vim.lsp.semantic_tokens.get_at_pos(buf, 2, 20) or {}
  return #tokens > 0
end, 20)
local types = {}
for _, t in ipairs(tokens) do
  table.insert(types, t.type)
end
check('semantic token on Angela Merkel is a function (person)', vim.tbl_contains(types, 'function'), vim.inspect(types))

-- A correction through a code action, run by the server itself: "Thomas Piketty" is not a name.
local function diagnostics_on(lnum, col)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf, { namespace = vim.lsp.diagnostic.get_namespace(client.id) })) do
    if d.code == 'entity' and d.lnum == lnum and d.col <= col and col < d.end_col then
      table.insert(found, d)
    end
  end
  return found
end
-- The code action titled `title` on line `lnum` (0-based) from byte column `from` to `to`.
local function action_titled(lnum, from, to, title)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = lnum, character = from }, ['end'] = { line = lnum, character = to } },
    context = { diagnostics = {} },
  }
  for _, r in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 5000) or {}) do
    for _, action in ipairs(r.result or {}) do
      if action.title == title then
        return action
      end
    end
  end
end
local piketty_col = lines[3]:find('Thomas Piketty', 1, true) - 1
check('Thomas Piketty is marked before the correction', #diagnostics_on(2, piketty_col) == 1)
local ignore = action_titled(2, piketty_col + 2, piketty_col + 2, 'nomen: “Thomas Piketty” is not a name')
if check('code actions offer the correction "is not a name"', ignore ~= nil and ignore.command ~= nil) then
  local done = vim.lsp.buf_request_sync(buf, 'workspace/executeCommand', ignore.command, 5000) or {}
  local err
  for _, r in pairs(done) do
    err = err or r.err
  end
  check('the server runs the correction', err == nil, vim.inspect(err))
  local kb = dir .. '/.nomen/knowledge.toml'
  local written = vim.fn.filereadable(kb) == 1 and table.concat(vim.fn.readfile(kb), '\n') or ''
  check('the correction is written to .nomen/knowledge.toml', written:find('Thomas Piketty', 1, true) ~= nil, written)
  vim.wait(10000, function()
    return #diagnostics_on(2, piketty_col) == 0
  end, 20)
  check('the document reflects it at once', #diagnostics_on(2, piketty_col) == 0)
end

-- A name nomen missed, selected and marked from the code actions: from then on it is found.
local vm_col = lines[7]:find('vollmarine', 1, true) - 1
check('vollmarine is not marked before', #diagnostics_on(6, vm_col) == 0)
local mark = action_titled(6, vm_col, vm_col + #'vollmarine', 'nomen: “vollmarine” is an organisation')
if check('code actions offer to mark a missed name', mark ~= nil and mark.command ~= nil) then
  vim.lsp.buf_request_sync(buf, 'workspace/executeCommand', mark.command, 5000)
  vim.wait(10000, function()
    return #diagnostics_on(6, vm_col) == 1
  end, 20)
  local found = diagnostics_on(6, vm_col)
  check(
    'the marked name is found',
    #found == 1 and found[1].message == 'vollmarine — organisation',
    vim.inspect(found)
  )
end

-- Annotation: the user commands of plugin/nomen_annotate.lua annotate a selection and accept a
-- suggestion in a .txt file; an edit moves them; :write writes the .ann, checked exactly.
vim.cmd.runtime('plugin/nomen_annotate.lua')
local txt = dir .. '/rencontre.txt'
vim.fn.writefile({ 'Léa Brun 😀 rencontre Hugo Marchal à Lyon.', 'Léa repart.' }, txt)
vim.cmd.edit(txt)
local tbuf = vim.api.nvim_get_current_buf()
-- The folder now holds .nomen/ (a root marker): the .txt may get a client of its own.
local tclient
vim.wait(10000, function()
  tclient = vim.lsp.get_clients({ bufnr = tbuf, name = 'nomen' })[1]
  return tclient ~= nil
end, 20)
local function annotations()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(tbuf, { namespace = vim.lsp.diagnostic.get_namespace(tclient.id) })) do
    if d.code == 'annotation' then
      table.insert(found, d.message)
    end
  end
  table.sort(found)
  return table.concat(found, ',')
end
vim.wait(10000, function()
  return #vim.diagnostic.get(tbuf) > 0
end, 20)
-- "Léa Brun": '> is on the first byte of its last character, as a visual selection leaves it.
vim.api.nvim_buf_set_mark(tbuf, '<', 1, 0, {})
vim.api.nvim_buf_set_mark(tbuf, '>', 1, 8, {})
vim.cmd("'<,'>NomenAnnotate Person")
vim.wait(10000, function()
  return annotations() == 'Léa Brun — Person'
end, 20)
check('a selection is annotated with :NomenAnnotate', annotations() == 'Léa Brun — Person', annotations())
vim.api.nvim_buf_set_text(tbuf, 0, 0, 0, 0, { 'Hier, ' })
local hugo = vim.api.nvim_buf_get_lines(tbuf, 0, 1, false)[1]:find('Hugo', 1, true) - 1
vim.api.nvim_win_set_cursor(0, { 1, hugo + 2 })
vim.cmd('NomenSuggestionAccept')
vim.wait(10000, function()
  return annotations() == 'Hugo Marchal — Person,Léa Brun — Person'
end, 20)
check(
  'a suggestion is accepted with :NomenSuggestionAccept',
  annotations() == 'Hugo Marchal — Person,Léa Brun — Person',
  annotations()
)
local ann = dir .. '/rencontre.ann'
check('nothing is written before :write', vim.fn.filereadable(ann) == 0)
vim.cmd('silent write')
vim.wait(10000, function()
  return vim.fn.filereadable(ann) == 1
end, 20)
local written = vim.fn.filereadable(ann) == 1 and table.concat(vim.fn.readfile(ann, 'b'), '\n') or ''
local want = 'T1\tPerson 6 14\tLéa Brun\nT2\tPerson 27 39\tHugo Marchal\n'
check('the .ann written at :write is exact', written == want, vim.inspect(written))

if tclient and tclient ~= client then
  tclient:stop()
end
client:stop()
vim.wait(2000, function()
  return client:is_stopped()
end, 20)
finish()
