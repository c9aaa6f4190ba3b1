# nomen for kakoune-lsp (kak-lsp 18 and later; tried with kak-lsp 22.0.0): add to your kakrc
# after `eval %sh{kak-lsp}`, then call `lsp-enable` as usual.
#
# kak-lsp 18+ reads its servers from the buffer option `lsp_servers` (TOML), set from filetype
# hooks; the old kak-lsp.toml file is deprecated (and, if it exists, disables these options).
# `-add` keeps the servers kak-lsp's own hooks set for Markdown (marksman). The filetype can be
# set more than once for a buffer, so the table is added only when it is not there yet: a
# repeated [nomen] table is a TOML error that stops kak-lsp from serving the buffer.

hook -group lsp-filetype-nomen global BufSetOption filetype=(?:markdown|text) %{
    try %{
        evaluate-commands %sh{
            case "$kak_opt_lsp_servers" in (*'[nomen]'*) echo fail nomen already set;; esac
        }
        set-option -add buffer lsp_servers %{
            [nomen]
            args = ["lsp"]
            root_globs = [".git", ".hg"]
            settings_section = "nomen"
            [nomen.settings.nomen]
            language = "auto"
            diagnostics = { severity = "information", firstMentionOnly = false }
        }
    }
}

# Kakoune gives plain-text files no filetype; give .txt files one that the hook above matches.
hook -group lsp-filetype-nomen global BufCreate .*[.]txt %{
    set-option buffer filetype text
}
