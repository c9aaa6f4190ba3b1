-- End-to-end test of `nomen lsp` in a real Neovim (0.11+), run headless:
--
--   NOMEN_BIN=target/release/nomen nvim --clean --headless -l tests/e2e/neovim/e2e.lua FIXTURE
--
-- It opens a French fixture whose lines put accents, typographic apostrophes and emoji
-- before names, so a server that mixes up UTF-8, UTF-16 and code points puts its ranges in
-- the wrong place. Every check is recorded; the script ends with a line
-- `neovim e2e: N passed, M failed` and exits non-zero when anything failed.

local bin = os.getenv('NOMEN_BIN') or 'target/release/nomen'
local fixture = arg[1] or 'tests/e2e/fixtures/reunion-fr.txt'
local timeout_ms = tonumber(os.getenv('NOMEN_E2E_TIMEOUT_MS') or '') or 10000

local passed, failed = 0, 0

-- `print` in `nvim -l` puts the newline before the text; write whole lines instead.
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
    say('FAIL ' .. name .. (detail and ('\n     ' .. detail:gsub('\n', '\n     ')) or ''))
  end
  return ok
end

local function finish()
  say(string.format('neovim e2e: %d passed, %d failed', passed, failed))
  io.stdout:flush()
  os.exit(failed == 0 and 0 or 1)
end

local function abort(name, detail)
  check(name, false, detail)
  finish()
end

-- The mentions the fixture must yield: `text` is the nth plain occurrence of that string in
-- the buffer (counting occurrences inside longer names), `full` the fullest form the message
-- must name, `kind` the kind word.
local expected = {
  { text = 'Hélène Garnier', nth = 1, full = 'Hélène Garnier', kind = 'person' },
  { text = 'Emmanuel Macron', nth = 1, full = 'Emmanuel Macron', kind = 'person' },
  { text = 'Angela Merkel', nth = 1, full = 'Angela Merkel', kind = 'person' },
  { text = 'Thomas Piketty', nth = 1, full = 'Thomas Piketty', kind = 'person' },
  { text = 'Garnier', nth = 2, full = 'Hélène Garnier', kind = 'person' },
  { text = 'Macron', nth = 2, full = 'Emmanuel Macron', kind = 'person' },
  { text = 'Merkel', nth = 2, full = 'Angela Merkel', kind = 'person' },
  { text = 'Berlin', nth = 1, full = 'Berlin', kind = 'place' },
}

local KINDS = { person = true, organisation = true, place = true, other = true }

---------------------------------------------------------------------------------------------
-- Recording what the server publishes, before Neovim's own handler sees it.

local published = {} -- every publishDiagnostics params, in arrival order
local orig_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  if params then
    table.insert(published, vim.deepcopy(params))
  end
  return orig_publish(err, params, ctx, config)
end

local server_exit = nil
local server_stderr = {}

---------------------------------------------------------------------------------------------
-- Buffer helpers. Neovim columns are bytes; it converts LSP positions with the negotiated
-- encoding, so reading the buffer at a diagnostic's range is what a user would see.

local function buf_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

--- 0-based (line, byte column) of byte offset `off` (0-based) in `text`.
local function pos_of(text, off)
  local line, line_start = 0, 0
  for i = 1, off do
    if text:byte(i) == 10 then
      line = line + 1
      line_start = i
    end
  end
  return line, off - line_start
end

--- Where the nth occurrence of `needle` lies: {lnum, col, end_lnum, end_col}, 0-based bytes.
local function locate(buf, needle, nth)
  local text = buf_text(buf)
  local from, s, e = 1, nil, nil
  for _ = 1, nth do
    s, e = text:find(needle, from, true)
    if not s then
      return nil
    end
    from = e + 1
  end
  local l, c = pos_of(text, s - 1)
  local el, ec = pos_of(text, e)
  return { lnum = l, col = c, end_lnum = el, end_col = ec }
end

local function text_at(buf, d)
  local ok, lines = pcall(vim.api.nvim_buf_get_text, buf, d.lnum, d.col, d.end_lnum, d.end_col, {})
  if not ok then
    return nil
  end
  return table.concat(lines, '\n')
end

local function fmt_range(d)
  return string.format('%d:%d-%d:%d', d.lnum, d.col, d.end_lnum, d.end_col)
end

--- Splits `Khalifa Haftar — person` into name and kind.
local function parse_message(msg)
  local name, kind = msg:match('^(.-) — (%a+)$')
  return name, kind
end

--- Whether `part` is `full` or a run of whole words of it ("Haftar" in "Khalifa Haftar").
local function is_form_of(part, full)
  if part == full then
    return true
  end
  local padded_full = ' ' .. full:gsub('[%-’\']', ' ') .. ' '
  local padded_part = ' ' .. part:gsub('[%-’\']', ' ') .. ' '
  return padded_full:find(padded_part, 1, true) ~= nil
end

---------------------------------------------------------------------------------------------
-- Diagnostics checks, run after opening and again after the edits.

local function diags_for(buf, client)
  return vim.diagnostic.get(buf, { namespace = vim.lsp.diagnostic.get_namespace(client.id) })
end

--- Waits until the server has published diagnostics for the buffer's current version and
--- Neovim has stored them. Returns the raw params, or nil on timeout.
local function wait_for_current(buf, uri)
  local latest
  vim.wait(timeout_ms, function()
    local version = vim.lsp.util.buf_versions[buf]
    for i = #published, 1, -1 do
      local p = published[i]
      if p.uri == uri and p.version == version then
        latest = p
        return true
      end
    end
    return false
  end, 20)
  return latest
end

local function check_diagnostics(stage, buf, client, uri, extra_expected)
  local version = vim.lsp.util.buf_versions[buf]
  local raw = wait_for_current(buf, uri)
  if not check(stage .. ': diagnostics published for document version ' .. tostring(version), raw ~= nil,
        string.format('no publishDiagnostics with version %s for %s within %d ms; got versions: %s',
          tostring(version), uri, timeout_ms,
          table.concat(vim.tbl_map(function(p) return tostring(p.version) end, published), ', '))) then
    return
  end
  local diags = diags_for(buf, client)
  local problems = {}
  if #diags ~= #raw.diagnostics then
    table.insert(problems, string.format('Neovim kept %d of the %d published diagnostics', #diags,
      #raw.diagnostics))
  end
  if #diags == 0 then
    table.insert(problems, 'no diagnostics at all')
  end
  for _, d in ipairs(diags) do
    local got = text_at(buf, d)
    local name, kind = parse_message(d.message)
    local where = string.format('%s %q at %s', d.message, tostring(got), fmt_range(d))
    if d.source ~= 'nomen' then
      table.insert(problems, 'source is ' .. tostring(d.source) .. ': ' .. where)
    end
    if d.severity ~= vim.diagnostic.severity.INFO then
      table.insert(problems, 'severity is ' .. tostring(d.severity) .. ', not Information: ' .. where)
    end
    if not name or not KINDS[kind] then
      table.insert(problems, 'message is not "<name> — <kind>": ' .. where)
    elseif not got or got == '' then
      table.insert(problems, 'empty or invalid range: ' .. where)
    elseif not is_form_of(got, name) then
      table.insert(problems, 'range text is not a form of the name in the message: ' .. where)
    end
  end
  check(stage .. ': every diagnostic covers exactly a form of the name it reports', #problems == 0,
    table.concat(problems, '\n'))

  local all_expected = vim.list_extend(vim.deepcopy(expected), extra_expected or {})
  local missing = {}
  for _, e in ipairs(all_expected) do
    local want = locate(buf, e.text, e.nth)
    local found = false
    local near = {}
    for _, d in ipairs(diags) do
      if want and d.lnum == want.lnum and d.col == want.col and d.end_lnum == want.end_lnum
          and d.end_col == want.end_col then
        local name, kind = parse_message(d.message)
        if name == e.full and kind == e.kind then
          found = true
        else
          table.insert(near, string.format('%s at the right range', d.message))
        end
      elseif want and d.lnum == want.lnum then
        table.insert(near, string.format('%s %q at %s', d.message, tostring(text_at(buf, d)), fmt_range(d)))
      end
    end
    if not found then
      table.insert(missing, string.format('expected "%s — %s" over %q at %s; on that line: %s', e.full, e.kind,
        e.text, want and fmt_range(want) or '?', #near > 0 and table.concat(near, '; ') or 'nothing'))
    end
  end
  check(stage .. string.format(': the %d expected mentions at their exact ranges, with name and kind',
    #all_expected), #missing == 0, table.concat(missing, '\n'))
end

---------------------------------------------------------------------------------------------
-- The run.

if vim.fn.executable(bin) ~= 1 then
  abort('server binary', bin .. ' is not executable (set NOMEN_BIN)')
end

vim.cmd.edit(vim.fn.fnameescape(fixture))
local buf = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(buf)

local client_id = vim.lsp.start({
  name = 'nomen',
  cmd = { bin, 'lsp', '--stdio' },
  root_dir = vim.fn.fnamemodify(fixture, ':p:h'),
  on_exit = function(code, signal)
    server_exit = { code = code, signal = signal }
  end,
}, { bufnr = buf })

if not check('client started', client_id ~= nil, 'vim.lsp.start returned nil') then
  finish()
end

local client
vim.wait(timeout_ms, function()
  client = vim.lsp.get_client_by_id(client_id)
  return (client and client.initialized) or server_exit ~= nil
end, 20)
if not (client and client.initialized) then
  abort('server initialized', server_exit and string.format('server exited with code %s, signal %s',
    server_exit.code, server_exit.signal) or ('no initialize result within ' .. timeout_ms .. ' ms'))
end
check('server initialized', true)

check('negotiated position encoding is utf-8', client.offset_encoding == 'utf-8',
  'client.offset_encoding = ' .. tostring(client.offset_encoding))

check_diagnostics('open', buf, client, uri)

-- Hover on the bare surname "Garnier" (its second occurrence), which must be linked to the
-- fullest form given earlier in the document.
local function hover_at(needle, nth)
  local at = locate(buf, needle, nth)
  vim.api.nvim_win_set_cursor(0, { at.lnum + 1, at.col + 1 })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, timeout_ms)
  local r = responses and responses[client_id]
  if not r then
    return nil, 'no hover response within ' .. timeout_ms .. ' ms'
  end
  if r.err then
    return nil, 'hover error: ' .. vim.inspect(r.err)
  end
  if not r.result then
    return nil, 'hover returned null'
  end
  local c = r.result.contents
  local value
  if type(c) == 'string' then
    value = c
  elseif c.value then
    value = c.value
  else
    value = table.concat(vim.tbl_map(function(x) return type(x) == 'string' and x or x.value end, c), '\n')
  end
  return value, nil, r.result
end

local hover, herr, hresult = hover_at('Garnier', 2)
if hover then
  say('hover text at "Garnier" (line 5):\n' .. hover)
end
check('hover on a bare surname shows the full name and the kind',
  hover ~= nil and hover:find('Hélène Garnier', 1, true) ~= nil and hover:find('person', 1, true) ~= nil,
  herr or ('hover text: ' .. vim.inspect(hover)))
-- Neovim offers markdown first, so the hover must be markdown, and say (as the server's
-- renderer writes it) the other form, the count and the 1-based line of the first mention.
local hover_kind = hresult and type(hresult.contents) == 'table' and hresult.contents.kind
check('hover is markdown, as Neovim asks', hover_kind == 'markdown', 'contents kind: ' .. vim.inspect(hover_kind))
local want_parts = { '**Hélène Garnier** — person', 'Also written: Garnier', '2 mentions, first on line 3' }
local missing_parts = vim.tbl_filter(function(part)
  return hover == nil or hover:find(part, 1, true) == nil
end, want_parts)
check('hover lists the other form, the mention count and the first line', #missing_parts == 0,
  'missing ' .. vim.inspect(missing_parts) .. ' in hover text: ' .. vim.inspect(hover))
-- With utf-8 negotiated, LSP characters are byte columns, like Neovim's.
local g = locate(buf, 'Garnier', 2)
local hr = hresult and hresult.range
check('hover range is the hovered mention', hr ~= nil and hr.start.line == g.lnum and hr.start.character == g.col
  and hr['end'].line == g.end_lnum and hr['end'].character == g.end_col,
  string.format('want %s, got %s', fmt_range(g), vim.inspect(hr)))

-- Edits: a new line with a new name after the first line (shifting every later mention down),
-- then an emoji and a word inserted in the middle of a line, before a name.
vim.api.nvim_buf_set_lines(buf, 1, 1, false, { 'Selon l’agence 🚀, Christine Lagarde viendra aussi à Lyon.' })
local macron = locate(buf, 'Emmanuel Macron', 1)
vim.api.nvim_buf_set_text(buf, macron.lnum, macron.col, macron.lnum, macron.col, { '🤝 le président ' })
local extra = {
  { text = 'Christine Lagarde', nth = 1, full = 'Christine Lagarde', kind = 'person' },
}
check_diagnostics('after edits', buf, client, uri, extra)

-- Closing the document clears its diagnostics.
local before_close = #published
vim.api.nvim_buf_delete(buf, { force = true })
local cleared = vim.wait(timeout_ms, function()
  for i = before_close + 1, #published do
    if published[i].uri == uri and #published[i].diagnostics == 0 then
      return true
    end
  end
  return false
end, 20)
check('closing the document clears its diagnostics', cleared,
  'no empty publishDiagnostics for ' .. uri .. ' after didClose')

-- Shutdown and exit: the server must go away cleanly.
client:stop()
vim.wait(timeout_ms, function() return server_exit ~= nil end, 20)
check('server exits with code 0 after shutdown/exit', server_exit ~= nil and server_exit.code == 0
  and server_exit.signal == 0,
  server_exit and string.format('code %s, signal %s', server_exit.code, server_exit.signal)
  or ('still running ' .. timeout_ms .. ' ms after client:stop()'))

finish()
