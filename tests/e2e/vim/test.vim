" End-to-end test of editors/vim/nomen.vim in a real Vim 9 + ALE, run headless:
"
"   NOMEN_BIN=target/release/nomen vim -N -u NONE -i NONE -n -es -S tests/e2e/vim/test.vim
"
" (tests/e2e/vim/run.sh does this from the repository root.) Loads ALE and nomen.vim as a
" vimrc would, opens a French text file, and checks that ALE's loclist puts each diagnostic on
" the name its message gives, reading the buffer at ALE's byte columns: once on lines of plain
" ASCII before the names, once on lines with accents, ’ and an emoji before them. Then ALEHover
" on a surname (shown in ALE's preview window) and an edit. Ends with
" `vim e2e: N passed, M failed`; exits 1 on failure.

let s:root = getcwd()
let s:passed = 0
let s:failed = 0

function! s:Say(text) abort
  call writefile(split(a:text, "\n", 1), empty($NOMEN_E2E_OUT) ? '/dev/stdout' : $NOMEN_E2E_OUT, 'a')
endfunction

function! s:Check(name, ok, ...) abort
  if a:ok
    let s:passed += 1
    call s:Say('ok   ' . a:name)
  else
    let s:failed += 1
    call s:Say('FAIL ' . a:name . (a:0 ? "\n     " . string(a:1) : ''))
  endif
  return a:ok
endfunction

function! s:Finish() abort
  call s:Say(printf('vim e2e: %d passed, %d failed', s:passed, s:failed))
  if s:failed == 0 && s:passed > 0
    qall!
  endif
  cquit!
endfunction

" Waits (processing channel messages) until Pred() is true or ms milliseconds pass.
function! s:Wait(Pred, ms) abort
  let l:waited = 0
  while !a:Pred() && l:waited < a:ms
    sleep 20m
    let l:waited += 20
  endwhile
  return a:Pred()
endfunction

" The text an ALE loclist item covers: columns are 1-based byte indexes, end_col inclusive.
function! s:Covered(item) abort
  return strpart(getline(a:item.lnum), a:item.col - 1, a:item.end_col - a:item.col + 1)
endfunction

function! s:Entities() abort
  return filter(copy(ale#engine#GetLoclist(bufnr(''))),
  \ {_, v -> v.linter_name is# 'nomen' && get(v, 'code', '') is# 'entity'})
endfunction

function! s:CheckRegions(label, items) abort
  for l:item in a:items
    let l:name = split(l:item.text, ' — ')[0]
    call s:Check(printf('%s: line %d, diagnostic covers exactly %s', a:label, l:item.lnum, l:name),
    \ s:Covered(l:item) is# l:name,
    \ {'covered': s:Covered(l:item), 'message': l:item.text, 'col': l:item.col, 'end_col': l:item.end_col})
  endfor
endfunction

function! s:Main() abort
  packadd ale
  let g:ale_nomen_executable = empty($NOMEN_BIN) ? s:root . '/target/release/nomen' : $NOMEN_BIN
  let g:ale_nomen_settings = {'language': 'fr', 'diagnostics': {'debounceMs': 20, 'firstMentionOnly': v:true}}
  let g:ale_linters = {'text': ['nomen']}
  let g:ale_hover_to_preview = 1
  execute 'source ' . fnameescape(s:root . '/editors/vim/nomen.vim')

  let l:dir = tempname()
  call mkdir(l:dir, 'p')
  let l:file = l:dir . '/notes.txt'
  call writefile([
  \ 'Mardi, le spationaute Thomas Pesquet a visite Toulouse avec Thierry Breton.',
  \ '',
  \ 'Le soir, l’écrivaine 🙂 Annie Ernaux a déjeuné à Lyon avec Édouard Philippe.',
  \ '',
  \ 'Après le dîner, Ernaux a parlé. Philippe n’a rien ajouté.',
  \ ], l:file)
  execute 'edit ' . fnameescape(l:file)
  set filetype=text
  call s:Check('filetype is text', &filetype is# 'text', &filetype)
  ALELint

  let l:ok = s:Wait({-> !empty(s:Entities())}, 10000)
  if !s:Check('diagnostics arrive in ALE', l:ok, ale#engine#GetLoclist(bufnr('')))
    call s:Finish()
  endif
  let l:items = s:Entities()
  call s:CheckRegions('ASCII before', filter(copy(l:items), {_, v -> v.lnum == 1}))
  call s:CheckRegions('accents, ’ and emoji before', filter(copy(l:items), {_, v -> v.lnum == 3}))
  let l:names = map(copy(l:items), {_, v -> split(v.text, ' — ')[0]})
  for l:want in ['Thomas Pesquet', 'Toulouse', 'Thierry Breton', 'Annie Ernaux', 'Lyon', 'Édouard Philippe']
    call s:Check(l:want . ' is reported', index(l:names, l:want) >= 0, l:names)
  endfor
  call s:Check('first mentions only (settings reached the server)',
  \ empty(filter(copy(l:items), {_, v -> v.lnum == 5})), l:items)

  " ALEHover on the bare "Ernaux" of line 5, shown in ALE's preview window.
  call cursor(5, stridx(getline(5), 'Ernaux') + 3)
  ALEHover
  let l:preview = []
  call s:Wait({-> !empty(filter(range(1, winnr('$')),
  \ {_, w -> getwinvar(w, '&filetype') is# 'ale-preview.message'}))}, 5000)
  for l:w in range(1, winnr('$'))
    if getwinvar(l:w, '&filetype') is# 'ale-preview.message'
      let l:preview = getbufline(winbufnr(l:w), 1, '$')
    endif
  endfor
  let l:hover = join(l:preview, "\n")
  call s:Check('ALEHover names the full name', l:hover =~# 'Annie Ernaux', l:hover)
  call s:Check('ALEHover says the kind', l:hover =~# 'person', l:hover)
  pclose

  " An edit on line 1: a new name at the start; ALE sends the whole text again.
  call setline(1, 'Hier, Emmanuel Macron et ' . getline(1))
  ALELint
  let l:ok = s:Wait({-> index(map(s:Entities(), {_, v -> s:Covered(v)}), 'Emmanuel Macron') >= 0}, 10000)
  call s:Check('diagnostics update after an edit', l:ok, s:Entities())
  call s:CheckRegions('after edit, ASCII before', filter(s:Entities(), {_, v -> v.lnum == 1}))

  call delete(l:dir, 'rf')
  call s:Finish()
endfunction

try
  call s:Main()
catch
  call s:Check('no Vim error', 0, v:exception . ' at ' . v:throwpoint)
  call s:Finish()
endtry
