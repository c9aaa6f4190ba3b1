;;; nomen.el --- Eglot set-up for the nomen language server  -*- lexical-binding: t; -*-

;; Version: 0.1
;; Package-Requires: ((emacs "29.1") (eglot "1.17"))
;; Keywords: languages, text

;;; Commentary:

;; Registers nomen (people, organisations and places in French and English
;; prose) with Eglot for `text-mode', `markdown-mode' and `gfm-mode' buffers,
;; and passes `nomen-settings' both as initializationOptions and as the
;; `nomen' section of `eglot-workspace-configuration'.
;;
;;   (add-to-list 'load-path "/path/to/nomen/editors/emacs")
;;   (require 'nomen)
;;   (add-hook 'text-mode-hook #'eglot-ensure)   ; markdown-mode derives from it
;;
;; Eglot never manages `fundamental-mode' buffers: a Markdown file opened
;; without markdown-mode installed must be put in `text-mode'.

;;; Code:

(require 'eglot)

(defgroup nomen nil
  "The nomen language server through Eglot."
  :group 'eglot
  :prefix "nomen-")

(defcustom nomen-server-program "nomen"
  "The nomen executable: a name on `exec-path' or an absolute file name."
  :type 'string)

(defcustom nomen-settings '(:language "auto")
  "The `nomen' settings section, as a plist that Eglot turns into JSON.
For example:
  (:language \"fr\"
   :diagnostics (:severity \"hint\" :firstMentionOnly t)
   :checks (:mixedKinds :json-false))
Use `:json-false' for false.  After changing it in a session, call
`nomen-update-settings' to send it to running servers."
  :type 'plist)

(defconst nomen-modes
  '(text-mode (markdown-mode :language-id "markdown") (gfm-mode :language-id "markdown"))
  "The major modes nomen is registered for, with their LSP language ids.")

(defun nomen--contact (_interactive)
  "The command line and initializationOptions Eglot starts nomen with."
  (list nomen-server-program "lsp" :initializationOptions
        (lambda (_server) (list :nomen nomen-settings))))

(defun nomen--install-workspace-configuration ()
  "Put `nomen-settings' under `:nomen' in `eglot-workspace-configuration'.
Eglot sends that plist in `workspace/didChangeConfiguration' right after
opening a document, so it wins over the initializationOptions.  Other
sections already in the default value are kept."
  (let ((current (default-value 'eglot-workspace-configuration)))
    (unless (functionp current)
      (setq-default eglot-workspace-configuration
                    (plist-put (copy-sequence current) :nomen nomen-settings)))))

(defun nomen-update-settings ()
  "Send `nomen-settings' to every running nomen server."
  (interactive)
  (nomen--install-workspace-configuration)
  (dolist (server (hash-table-values eglot--servers-by-project))
    (dolist (s server)
      (when (equal (process-command (jsonrpc--process s))
                   (list nomen-server-program "lsp"))
        (eglot-signal-didChangeConfiguration s)))))

(defcustom nomen-decode-utf8-uris t
  "Whether to make Eglot decode UTF-8 in file URIs.
Eglot 1.17 (Emacs 30.1) percent-encodes a file name such as
\"réunion.md\" correctly but does not decode the UTF-8 when the URI
comes back, so diagnostics for files with non-ASCII names never reach
their buffer.  When non-nil, `eglot-uri-to-path' results that are
strings of raw bytes are decoded as UTF-8."
  :type 'boolean)

(defun nomen--decode-uri-path (path)
  "Decode PATH as UTF-8 when it came out of a URI as raw bytes."
  (let ((bytes (and nomen-decode-utf8-uris (stringp path)
                    ;; Raw bytes only (ASCII and eight-bit chars): undecoded UTF-8.
                    (ignore-errors (string-to-unibyte path)))))
    (if (and bytes (string-match-p "[\200-\377]" bytes))
        (decode-coding-string bytes 'utf-8)
      path)))

(advice-add 'eglot-uri-to-path :filter-return #'nomen--decode-uri-path)

(add-to-list 'eglot-server-programs (cons nomen-modes #'nomen--contact))
(nomen--install-workspace-configuration)

(provide 'nomen)
;;; nomen.el ends here
