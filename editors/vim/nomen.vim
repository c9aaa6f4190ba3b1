" nomen.vim: registers the nomen language server (people, organisations and places in French
" and English prose) as an ALE linter for text and Markdown buffers.
"
" Needs ALE (https://github.com/dense-analysis/ale, Debian: vim-ale) and the `nomen`
" executable. Source this file from your vimrc after ALE is on the runtimepath, or copy it to
" ~/.vim/plugin/. Options (global, or b: for one buffer):
"
"   g:ale_nomen_executable   the server ('nomen' on $PATH by default)
"   g:ale_nomen_settings     the `nomen` settings section, e.g.
"                            {'language': 'fr', 'diagnostics': {'firstMentionOnly': v:true}}
"
" The settings go both in initializationOptions and in workspace/didChangeConfiguration, as
" {'nomen': {...}}.

if exists('g:loaded_nomen_ale')
  finish
endif
let g:loaded_nomen_ale = 1

call ale#Set('nomen_executable', 'nomen')
call ale#Set('nomen_settings', {})

" The nearest folder holding .git or .hg, else the file's own folder: ALE starts one server
" per root, and skips a linter whose root is empty.
function! NomenProjectRoot(buffer) abort
  for l:marker in ['.git', '.hg']
    let l:found = finddir(l:marker, fnamemodify(bufname(a:buffer), ':p:h') . ';')
    if !empty(l:found)
      return fnamemodify(l:found, ':p:h:h')
    endif
  endfor
  return fnamemodify(bufname(a:buffer), ':p:h')
endfunction

function! NomenSection(buffer) abort
  return {'nomen': ale#Var(a:buffer, 'nomen_settings')}
endfunction

" ALE counts columns in bytes but offers no position encoding, so nomen would answer in
" UTF-16: tell it to use UTF-8 (nomen's `positionEncoding` setting, read at start-up).
function! NomenInitializationOptions(buffer) abort
  return {'nomen': extend({'positionEncoding': 'utf-8'}, ale#Var(a:buffer, 'nomen_settings'))}
endfunction

for s:filetype in ['text', 'markdown']
  call ale#linter#Define(s:filetype, {
  \   'name': 'nomen',
  \   'lsp': 'stdio',
  \   'executable': {buffer -> ale#Var(buffer, 'nomen_executable')},
  \   'command': '%e lsp',
  \   'language': s:filetype is# 'text' ? 'plaintext' : 'markdown',
  \   'project_root': function('NomenProjectRoot'),
  \   'initialization_options': function('NomenInitializationOptions'),
  \   'lsp_config': function('NomenSection'),
  \})
endfor
unlet s:filetype
