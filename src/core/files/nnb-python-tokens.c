/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-python-tokens.c — Python's tokenizer for the model reader: the
 * rules of CPython 3's tokenize that decide where statements start and end
 * (brackets, backslashes, indentation, strings), so a file Python reads is
 * split where Python splits it. */
#include "nnb-python-tokens.h"

#include <string.h>
#include "nnb-error.h"

#define MAX_INDENT_LEVELS 100 /* CPython's limit */
#define MAX_BRACKETS 200      /* CPython's MAXLEVEL */

typedef struct
{
  const char *p, *end;
  int line;
  const char *line_start;
  GPtrArray *tokens;
  char brackets[MAX_BRACKETS];
  int bracket_lines[MAX_BRACKETS];
  int depth;
  int indents[MAX_INDENT_LEVELS], alt_indents[MAX_INDENT_LEVELS];
  int n_indents;
} Lexer;

static void
token_free (gpointer data)
{
  NnbPyToken *token = data;

  g_free (token->text);
  g_free (token);
}

/* Columns count characters from 1, as Python's messages do. */
static int
column_of (Lexer *lx, const char *at)
{
  return g_utf8_strlen (lx->line_start, at - lx->line_start) + 1;
}

static gboolean
fail_at (Lexer *lx, const char *at, GError **error, const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail_at (Lexer *lx, const char *at, GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE, "line %d, column %d: %s", lx->line,
               column_of (lx, at), message);
  return FALSE;
}

static NnbPyToken *
add_token (Lexer *lx, NnbPyTokenKind kind, const char *start, gsize len)
{
  NnbPyToken *token = g_new0 (NnbPyToken, 1);

  token->kind = kind;
  token->text = g_strndup (start, len);
  token->line = lx->line;
  token->column = column_of (lx, start);
  g_ptr_array_add (lx->tokens, token);
  return token;
}

static gboolean
is_name_start (guchar c)
{
  return g_ascii_isalpha (c) || c == '_' || c >= 0x80;
}

static gboolean
is_name_char (guchar c)
{
  return is_name_start (c) || g_ascii_isdigit (c);
}

static void
new_line (Lexer *lx, const char *after)
{
  lx->line++;
  lx->line_start = after;
}

/* p at a line break (\n, \r\n or \r): the position after it */
static const char *
skip_line_break (Lexer *lx, const char *p)
{
  if (*p == '\r' && p + 1 < lx->end && p[1] == '\n')
    p++;
  p++;
  new_line (lx, p);
  return p;
}

/* Leading whitespace of a logical line: INDENT, DEDENTs or an error.
 * Returns the first character after it. Blank and comment-only lines make
 * no tokens. */
static gboolean
indentation (Lexer *lx, GError **error)
{
  for (;;)
    {
      const char *p = lx->p;
      int col = 0, alt = 0;

      for (; p < lx->end; p++)
        {
          if (*p == ' ')
            col++, alt++;
          else if (*p == '\t')
            col = (col / 8 + 1) * 8, alt++;
          else if (*p == '\f')
            col = alt = 0;
          else
            break;
        }
      if (p >= lx->end)
        {
          lx->p = p;
          return TRUE;
        }
      if (*p == '#' || *p == '\n' || *p == '\r')
        {
          /* a blank line, or a comment alone on its line */
          while (p < lx->end && *p != '\n' && *p != '\r')
            p++;
          if (p < lx->end)
            p = skip_line_break (lx, p);
          lx->p = p;
          continue;
        }
      lx->p = p;
      if (col == lx->indents[lx->n_indents - 1])
        {
          if (alt != lx->alt_indents[lx->n_indents - 1])
            return fail_at (lx, p, error, "inconsistent use of tabs and spaces in indentation.");
        }
      else if (col > lx->indents[lx->n_indents - 1])
        {
          if (lx->n_indents == MAX_INDENT_LEVELS)
            return fail_at (lx, p, error, "too many levels of indentation.");
          if (alt <= lx->alt_indents[lx->n_indents - 1])
            return fail_at (lx, p, error, "inconsistent use of tabs and spaces in indentation.");
          lx->indents[lx->n_indents] = col;
          lx->alt_indents[lx->n_indents] = alt;
          lx->n_indents++;
          add_token (lx, NNB_PY_INDENT, p, 0);
        }
      else
        {
          while (lx->n_indents > 1 && col < lx->indents[lx->n_indents - 1])
            {
              lx->n_indents--;
              add_token (lx, NNB_PY_DEDENT, p, 0);
            }
          if (col != lx->indents[lx->n_indents - 1])
            return fail_at (lx, p, error, "unindent does not match any outer indentation level.");
          if (alt != lx->alt_indents[lx->n_indents - 1])
            return fail_at (lx, p, error, "inconsistent use of tabs and spaces in indentation.");
        }
      return TRUE;
    }
}

/* A string literal from its prefix; decodes the common escapes (what a
 * module name or GELU's approximate='none' needs). */
static gboolean
string_token (Lexer *lx, const char *start, const char *quote, GError **error)
{
  gboolean raw = FALSE, formatted = FALSE, bytes = FALSE;
  char q = *quote;
  gboolean triple = quote + 2 < lx->end && quote[1] == q && quote[2] == q;
  int start_line = lx->line;
  const char *line_start = lx->line_start;
  const char *p = quote + (triple ? 3 : 1);
  GString *value = g_string_new (NULL);
  NnbPyToken *token;

  for (const char *c = start; c < quote; c++)
    {
      raw |= *c == 'r' || *c == 'R';
      formatted |= *c == 'f' || *c == 'F';
      bytes |= *c == 'b' || *c == 'B';
    }
  for (;;)
    {
      if (p >= lx->end || (!triple && (*p == '\n' || *p == '\r')))
        {
          int detected = lx->line;
          lx->line = start_line;
          lx->line_start = line_start;
          g_string_free (value, TRUE);
          return fail_at (lx, start, error, "unterminated %sstring literal (detected at line %d).",
                          triple ? "triple-quoted " : "", detected);
        }
      if (*p == q && (!triple || (p + 2 < lx->end && p[1] == q && p[2] == q)))
        break;
      if (*p == '\\' && p + 1 < lx->end)
        {
          char e = p[1];
          if (raw)
            g_string_append_len (value, p, 2);
          else if (e == 'n')
            g_string_append_c (value, '\n');
          else if (e == 't')
            g_string_append_c (value, '\t');
          else if (e == '\\' || e == '\'' || e == '"')
            g_string_append_c (value, e);
          else if (e != '\n' && e != '\r')
            g_string_append_len (value, p, 2);
          if (e == '\n' || e == '\r')
            p = skip_line_break (lx, p + 1);
          else
            p += 2;
          continue;
        }
      if (*p == '\n' || *p == '\r')
        {
          g_string_append_c (value, '\n');
          p = skip_line_break (lx, p);
          continue;
        }
      g_string_append_c (value, *p++);
    }
  p += triple ? 3 : 1;
  token = g_new0 (NnbPyToken, 1);
  token->kind = NNB_PY_STRING;
  token->line = start_line;
  token->column = g_utf8_strlen (line_start, start - line_start) + 1;
  token->text = g_string_free (value, FALSE);
  token->formatted = formatted;
  token->bytes = bytes;
  g_ptr_array_add (lx->tokens, token);
  lx->p = p;
  return TRUE;
}

static gboolean
number_token (Lexer *lx, GError **error)
{
  const char *start = lx->p, *p = lx->p;
  gboolean is_int = TRUE;
  g_autofree char *digits = NULL;
  NnbPyToken *token;
  GString *clean = g_string_new (NULL);

  if (*p == '0' && p + 1 < lx->end && strchr ("xXoObB", p[1]))
    {
      p += 2;
      while (p < lx->end && (g_ascii_isxdigit (*p) || *p == '_'))
        p++;
    }
  else
    {
      while (p < lx->end && (g_ascii_isdigit (*p) || *p == '_' || *p == '.'))
        is_int &= *p++ != '.';
      if (p < lx->end && (*p == 'e' || *p == 'E'))
        {
          const char *e = p + 1;
          if (e < lx->end && (*e == '+' || *e == '-'))
            e++;
          if (e < lx->end && g_ascii_isdigit (*e))
            {
              is_int = FALSE;
              p = e;
              while (p < lx->end && (g_ascii_isdigit (*p) || *p == '_'))
                p++;
            }
        }
    }
  token = add_token (lx, NNB_PY_NUMBER, start, p - start);
  if (p < lx->end && (*p == 'j' || *p == 'J'))
    {
      token->imaginary = TRUE;
      is_int = FALSE;
      p++;
    }
  if (p < lx->end && is_name_char (*p))
    {
      g_string_free (clean, TRUE);
      return fail_at (lx, start, error, "invalid decimal literal.");
    }
  for (const char *c = start; c < p; c++)
    if (*c != '_' && *c != 'j' && *c != 'J')
      g_string_append_c (clean, *c);
  digits = g_string_free (clean, FALSE);
  token->is_int = is_int;
  if (is_int && digits[0] == '0' && digits[1] && strchr ("xXoObB", digits[1]))
    {
      int base = strchr ("xX", digits[1]) ? 16 : strchr ("oO", digits[1]) ? 8
                                                                          : 2;
      token->value = (double) g_ascii_strtoull (digits + 2, NULL, base);
    }
  else
    token->value = g_ascii_strtod (digits, NULL);
  lx->p = p;
  return TRUE;
}

static const char *const operators[] = {
  "**=",
  "//=",
  ">>=",
  "<<=",
  "...",
  "->",
  ":=",
  "**",
  "//",
  "==",
  "!=",
  "<=",
  ">=",
  "<<",
  ">>",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "@=",
};

static gboolean
operator_token (Lexer *lx, GError **error)
{
  const char *p = lx->p;
  static const char opening[] = "([{", closing[] = ")]}";

  for (guint i = 0; i < G_N_ELEMENTS (operators); i++)
    {
      gsize n = strlen (operators[i]);
      if ((gsize) (lx->end - p) >= n && strncmp (p, operators[i], n) == 0)
        {
          add_token (lx, NNB_PY_OP, p, n);
          lx->p += n;
          return TRUE;
        }
    }
  if (strchr (opening, *p))
    {
      if (lx->depth == MAX_BRACKETS)
        return fail_at (lx, p, error, "too many nested parentheses.");
      lx->brackets[lx->depth] = *p;
      lx->bracket_lines[lx->depth++] = lx->line;
    }
  else if (strchr (closing, *p))
    {
      char want = opening[strchr (closing, *p) - closing];
      if (lx->depth == 0)
        return fail_at (lx, p, error, "unmatched '%c'.", *p);
      if (lx->brackets[lx->depth - 1] != want)
        return fail_at (lx, p, error, "closing parenthesis '%c' does not match opening parenthesis '%c'.", *p,
                        lx->brackets[lx->depth - 1]);
      lx->depth--;
    }
  else if (!strchr (",:.;@=+-*/%&|^~<>", *p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c == '!' || c == '$' || c == '?' || c == '`')
        return fail_at (lx, p, error, "invalid syntax: '%c' is not Python.", (char) c);
      return fail_at (lx, p, error, "invalid character U+%04X.", c);
    }
  add_token (lx, NNB_PY_OP, p, 1);
  lx->p++;
  return TRUE;
}

static gboolean
tokenize (Lexer *lx, GError **error)
{
  gboolean at_line_start = TRUE;

  for (;;)
    {
      const char *p;

      if (at_line_start && lx->depth == 0)
        {
          if (!indentation (lx, error))
            return FALSE;
          at_line_start = FALSE;
        }
      p = lx->p;
      while (p < lx->end && (*p == ' ' || *p == '\t' || *p == '\f'))
        p++;
      lx->p = p;
      if (p >= lx->end)
        break;
      if (*p == '#')
        {
          while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '\r')
            lx->p++;
          continue;
        }
      if (*p == '\n' || *p == '\r')
        {
          NnbPyToken *last = lx->tokens->len ? lx->tokens->pdata[lx->tokens->len - 1] : NULL;
          if (lx->depth == 0 && last != NULL && last->kind != NNB_PY_NEWLINE && last->kind != NNB_PY_DEDENT &&
              last->kind != NNB_PY_INDENT)
            add_token (lx, NNB_PY_NEWLINE, p, 0);
          lx->p = skip_line_break (lx, p);
          /* inside brackets the line goes on (implicit joining) */
          at_line_start = lx->depth == 0;
          continue;
        }
      if (*p == '\\')
        {
          if (p + 1 < lx->end && (p[1] == '\n' || p[1] == '\r'))
            {
              lx->p = skip_line_break (lx, p + 1);
              continue;
            }
          if (p + 1 >= lx->end)
            return fail_at (lx, p, error, "unexpected end of file after the line continuation character.");
          return fail_at (lx, p, error, "unexpected character after line continuation character.");
        }
      if (is_name_start (*p))
        {
          const char *s = p;
          while (p < lx->end && is_name_char (*p))
            p++;
          /* string prefixes: r"", b'', f"""…""", rb'' */
          if (p < lx->end && (*p == '"' || *p == '\'') && p - s <= 2 &&
              strspn (s, "rRbBuUfF") >= (gsize) (p - s))
            {
              if (!string_token (lx, s, p, error))
                return FALSE;
              continue;
            }
          add_token (lx, NNB_PY_NAME, s, p - s);
          lx->p = p;
          continue;
        }
      if (g_ascii_isdigit (*p) || (*p == '.' && p + 1 < lx->end && g_ascii_isdigit (p[1])))
        {
          if (!number_token (lx, error))
            return FALSE;
          continue;
        }
      if (*p == '"' || *p == '\'')
        {
          if (!string_token (lx, p, p, error))
            return FALSE;
          continue;
        }
      if (!operator_token (lx, error))
        return FALSE;
    }
  if (lx->depth > 0)
    {
      lx->line = lx->bracket_lines[lx->depth - 1];
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE, "line %d: '%c' was never closed.", lx->line,
                   lx->brackets[lx->depth - 1]);
      return FALSE;
    }
  if (lx->tokens->len > 0 && ((NnbPyToken *) lx->tokens->pdata[lx->tokens->len - 1])->kind != NNB_PY_NEWLINE &&
      ((NnbPyToken *) lx->tokens->pdata[lx->tokens->len - 1])->kind != NNB_PY_DEDENT)
    add_token (lx, NNB_PY_NEWLINE, lx->p, 0);
  while (lx->n_indents > 1)
    {
      lx->n_indents--;
      add_token (lx, NNB_PY_DEDENT, lx->p, 0);
    }
  add_token (lx, NNB_PY_END, lx->p, 0);
  return TRUE;
}

GPtrArray *
nnb_py_tokenize (const char *source, gssize length, GError **error)
{
  Lexer lx = { 0 };
  const char *bad;

  g_return_val_if_fail (source != NULL, NULL);
  if (length < 0)
    length = strlen (source);
  if (memchr (source, '\0', length) != NULL)
    {
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE, "source code cannot contain null bytes.");
      return NULL;
    }
  if (!g_utf8_validate_len (source, length, &bad))
    {
      int line = 1;
      for (const char *c = source; c < bad; c++)
        line += *c == '\n';
      g_set_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE,
                   "line %d: the file is not UTF-8 text, as Python source must be.", line);
      return NULL;
    }
  lx.p = source;
  lx.end = source + length;
  /* a UTF-8 byte order mark, as Python allows */
  if (length >= 3 && memcmp (source, "\xef\xbb\xbf", 3) == 0)
    lx.p += 3;
  lx.line = 1;
  lx.line_start = lx.p;
  lx.n_indents = 1;
  lx.tokens = g_ptr_array_new_with_free_func (token_free);
  if (!tokenize (&lx, error))
    {
      g_ptr_array_unref (lx.tokens);
      return NULL;
    }
  return lx.tokens;
}
