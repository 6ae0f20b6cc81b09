// Regular expression builtins (OPA topdown/regex.go) on RE2, whose syntax
// and leftmost-first matching are Go's regexp package's. Iteration over
// matches, splitting and replacement follow Go's algorithms (empty matches
// included); compiled patterns come from the shared bounded cache.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/builtins/runes.h"
#include "rules/value/go_quote.h"
#include "rules/value/regex_cache.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;
using Regex = std::shared_ptr<const re2::RE2>;

// Go's regexp/syntax error text for a pattern RE2 rejects.
std::string go_regexp_error(const std::string& pattern) {
  re2::RE2 re(pattern, re2::RE2::Quiet);
  const char* what = "regexp/syntax: internal error";
  switch (re.error_code()) {
    case re2::RE2::ErrorBadEscape: what = "invalid escape sequence"; break;
    case re2::RE2::ErrorBadCharClass: what = "invalid character class"; break;
    case re2::RE2::ErrorBadCharRange: what = "invalid character class range"; break;
    case re2::RE2::ErrorMissingBracket: what = "missing closing ]"; break;
    case re2::RE2::ErrorMissingParen: what = "missing closing )"; break;
    case re2::RE2::ErrorUnexpectedParen: what = "unexpected )"; break;
    case re2::RE2::ErrorTrailingBackslash: what = "trailing backslash at end of expression"; break;
    case re2::RE2::ErrorRepeatArgument: what = "missing argument to repetition operator"; break;
    case re2::RE2::ErrorRepeatSize: what = "invalid repeat count"; break;
    case re2::RE2::ErrorRepeatOp: what = "invalid nested repetition operator"; break;
    case re2::RE2::ErrorBadPerlOp: what = "invalid or unsupported Perl syntax"; break;
    case re2::RE2::ErrorBadUTF8: what = "invalid UTF-8"; break;
    case re2::RE2::ErrorBadNamedCapture: what = "invalid named capture"; break;
    case re2::RE2::ErrorPatternTooLarge: what = "expression too large"; break;
    default: break;
  }
  std::string arg = re.error_code() == re2::RE2::ErrorTrailingBackslash ? std::string() : re.error_arg();
  return std::string("error parsing regexp: ") + what + ": `" + arg + "`";
}

Regex compile(const std::string& pattern) {
  std::string error;
  Regex re = value::cached_regex(pattern, &error);
  if (!re) throw_builtin_error(go_regexp_error(pattern));
  return re;
}

// One match: byte offsets of each group, -1 for a group that did not take part.
struct Match {
  std::vector<std::ptrdiff_t> at;  // start0, end0, start1, end1, ...
  size_t start() const { return static_cast<size_t>(at[0]); }
  size_t end() const { return static_cast<size_t>(at[1]); }
};

// Each match found is a step and the memory of its offsets: an empty
// pattern over a long string finds one per character.
bool match_at(const re2::RE2& re, std::string_view s, size_t pos, int groups, Match* m) {
  value::charge_steps(1);
  value::charge_memory(sizeof(Match) + static_cast<size_t>(groups) * 2 * sizeof(std::ptrdiff_t));
  std::vector<re2::StringPiece> sub(static_cast<size_t>(groups));
  re2::StringPiece text(s.data(), s.size());
  if (!re.Match(text, pos, s.size(), re2::RE2::UNANCHORED, sub.data(), groups)) return false;
  m->at.assign(static_cast<size_t>(groups) * 2, -1);
  for (size_t g = 0; g < sub.size(); ++g) {
    if (sub[g].data() == nullptr) continue;
    m->at[2 * g] = sub[g].data() - s.data();
    m->at[2 * g + 1] = m->at[2 * g] + static_cast<std::ptrdiff_t>(sub[g].size());
  }
  return true;
}

// Go's Regexp.allMatches: up to n matches (n < 0: all), skipping an empty
// match right after the previous match.
std::vector<Match> all_matches(const re2::RE2& re, std::string_view s, int64_t n, int groups) {
  std::vector<Match> out;
  if (n < 0) n = static_cast<int64_t>(s.size()) + 1;
  size_t end = s.size();
  std::ptrdiff_t prev_match_end = -1;
  for (size_t pos = 0; static_cast<int64_t>(out.size()) < n && pos <= end;) {
    Match m;
    if (!match_at(re, s, pos, groups, &m)) break;
    bool accept = true;
    if (m.end() == pos) {
      if (m.at[0] == prev_match_end) accept = false;
      pos = pos < end ? pos + decode_rune(s, pos).width : end + 1;
    } else {
      pos = m.end();
    }
    prev_match_end = m.at[1];
    if (accept) out.push_back(std::move(m));
  }
  return out;
}

// Go's Regexp.Expand of a $-template for one match.
void expand(const re2::RE2& re, std::string_view tmpl, std::string_view src, const Match& m, std::string& out) {
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out.push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    // extract: $name, ${name}; a name is letters, digits and '_'.
    std::string_view rest = tmpl;
    bool brace = !rest.empty() && rest[0] == '{';
    if (brace) rest.remove_prefix(1);
    size_t i = 0;
    while (i < rest.size()) {
      DecodedRune d = decode_rune(rest, i);
      char32_t r = d.rune;
      bool ok = r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
                (r >= 0x80 && r != kRuneError);
      if (!ok) break;
      i += d.width;
    }
    if (i == 0 || (brace && (i >= rest.size() || rest[i] != '}'))) {
      out.push_back('$');  // malformed: the $ is literal
      continue;
    }
    std::string_view name = rest.substr(0, i);
    tmpl = rest.substr(i + (brace ? 1 : 0));
    int num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    if (num < 0) {
      auto it = re.NamedCapturingGroups().find(std::string(name));
      if (it != re.NamedCapturingGroups().end()) num = it->second;
    }
    if (num >= 0 && static_cast<size_t>(2 * num + 1) < m.at.size() && m.at[static_cast<size_t>(2 * num)] >= 0) {
      size_t a = static_cast<size_t>(m.at[static_cast<size_t>(2 * num)]);
      size_t b = static_cast<size_t>(m.at[static_cast<size_t>(2 * num + 1)]);
      out.append(src.substr(a, b - a));
    }
  }
  out.append(tmpl);
}

Result regex_is_valid(Args args, BuiltinContext&) {
  if (!args[0].is_string()) return Value::boolean(false);
  std::string error;
  return Value::boolean(value::cached_regex(args[0].as_string(), &error) != nullptr);
}

Result regex_match(Args args, BuiltinContext&) {
  const std::string& pattern = string_operand(args, 1);
  const std::string& s = string_operand(args, 2);
  charge_work(s.size());
  Regex re = compile(pattern);
  return Value::boolean(re2::RE2::PartialMatch(s, *re));
}

Result regex_split(Args args, BuiltinContext&) {
  const std::string& pattern = string_operand(args, 1);
  const std::string& s = string_operand(args, 2);
  charge_work(s.size());
  Regex re = compile(pattern);
  std::vector<Value> parts;
  if (!pattern.empty() && s.empty()) {
    parts.push_back(Value::string(""));
    return Value::array(std::move(parts));
  }
  size_t beg = 0;
  size_t end = 0;
  for (const Match& m : all_matches(*re, s, -1, 1)) {
    end = m.start();
    if (m.end() != 0) parts.push_back(Value::string(std::string_view(s).substr(beg, end - beg)));
    beg = m.end();
  }
  if (end != s.size()) parts.push_back(Value::string(std::string_view(s).substr(beg)));
  return Value::array(std::move(parts));
}

Result regex_find_n(Args args, BuiltinContext&) {
  const std::string& pattern = string_operand(args, 1);
  const std::string& s = string_operand(args, 2);
  int64_t n = int_operand(args, 3);
  charge_work(s.size());
  Regex re = compile(pattern);
  std::vector<Value> found;
  for (const Match& m : all_matches(*re, s, n, 1)) {
    found.push_back(Value::string(std::string_view(s).substr(m.start(), m.end() - m.start())));
  }
  return Value::array(std::move(found));
}

Result regex_find_all_string_submatch_n(Args args, BuiltinContext&) {
  const std::string& pattern = string_operand(args, 1);
  const std::string& s = string_operand(args, 2);
  int64_t n = int_operand(args, 3);
  charge_work(s.size());
  Regex re = compile(pattern);
  int groups = re->NumberOfCapturingGroups() + 1;
  std::vector<Value> outer;
  for (const Match& m : all_matches(*re, s, n, groups)) {
    std::vector<Value> inner;
    inner.reserve(static_cast<size_t>(groups));
    for (size_t g = 0; g < static_cast<size_t>(groups); ++g) {
      std::ptrdiff_t a = m.at[2 * g];
      std::ptrdiff_t b = m.at[2 * g + 1];
      inner.push_back(a < 0 ? Value::string("")
                            : Value::string(std::string_view(s).substr(static_cast<size_t>(a), static_cast<size_t>(b - a))));
    }
    outer.push_back(Value::array(std::move(inner)));
  }
  return Value::array(std::move(outer));
}

// Go's Regexp.ReplaceAllString.
Result regex_replace(Args args, BuiltinContext&) {
  const std::string& base = string_operand(args, 1);
  const std::string& pattern = string_operand(args, 2);
  const std::string& replacement = string_operand(args, 3);
  charge_work(base.size());
  Regex re = compile(pattern);
  int groups = re->NumberOfCapturingGroups() + 1;
  std::string_view src = base;
  std::string out;
  size_t last_match_end = 0;
  size_t search_pos = 0;
  while (search_pos <= src.size()) {
    Match m;
    if (!match_at(*re, src, search_pos, groups, &m)) break;
    out.append(src.substr(last_match_end, m.start() - last_match_end));
    if (m.end() > last_match_end || m.start() == 0) expand(*re, replacement, src, m, out);
    last_match_end = m.end();
    size_t width = search_pos < src.size() ? decode_rune(src, search_pos).width : 0;
    if (search_pos + width > m.end()) {
      search_pos += width;
    } else if (search_pos + 1 > m.end()) {
      ++search_pos;
    } else {
      search_pos = m.end();
    }
  }
  out.append(src.substr(last_match_end));
  if (out == base) return args[0];
  return Value::string(std::move(out));
}

// Go's regexp.QuoteMeta.
std::string quote_meta(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

Result regex_template_match(Args args, BuiltinContext&) {
  const std::string& tmpl = string_operand(args, 1);
  const std::string& s = string_operand(args, 2);
  const std::string& start = string_operand(args, 3);
  const std::string& end = string_operand(args, 4);
  if (start.size() != 1) {
    throw_builtin_error("start delimiter has to be exactly one character long but is " + std::to_string(start.size()) +
                        " long");
  }
  if (end.size() != 1) {
    // OPA reports the start delimiter's length here.
    throw_builtin_error("end delimiter has to be exactly one character long but is " + std::to_string(start.size()) +
                        " long");
  }
  // First-level delimiter positions (gorilla/mux's braceIndices).
  std::vector<size_t> idxs;
  int level = 0;
  size_t idx = 0;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == start[0]) {
      if (++level == 1) idx = i;
    } else if (tmpl[i] == end[0]) {
      if (--level == 0) {
        idxs.push_back(idx);
        idxs.push_back(i + 1);
      } else if (level < 0) {
        throw_builtin_error("unbalanced braces in " + value::go_quote(tmpl));
      }
    }
  }
  if (level != 0) throw_builtin_error("unbalanced braces in " + value::go_quote(tmpl));
  std::string pattern = "^";
  size_t last = 0;
  for (size_t i = 0; i < idxs.size(); i += 2) {
    std::string raw = tmpl.substr(last, idxs[i] - last);
    last = idxs[i + 1];
    std::string part = tmpl.substr(idxs[i] + 1, last - idxs[i] - 2);
    compile("^" + part + "$");
    pattern += quote_meta(raw) + "(" + part + ")";
  }
  pattern += quote_meta(std::string_view(tmpl).substr(last));
  pattern += "$";
  Regex re = compile(pattern);
  return Value::boolean(re2::RE2::PartialMatch(s, *re));
}

// ---------------------------------------------------------------------------
// regex.globs_match: whether two simple regexes (yashtewari/glob-intersection
// syntax: characters, '.', [sets] and ranges, each optionally followed by '*'
// or '+') share a string.

struct GlobToken {
  enum class Type { Char, Dot, Set } type = Type::Char;
  char32_t ch = 0;
  std::vector<char32_t> set;
  char flag = 0;  // 0, '*' or '+'
};

[[noreturn]] void invalid_glob(const std::string& input, size_t pos, const std::string& message) {
  throw_builtin_error("input:" + input + ", pos:" + std::to_string(pos) + ", " + message +
                      ": the input provided is invalid");
}

std::vector<GlobToken> tokenize_glob(const std::string& input) {
  std::vector<char32_t> runes = to_runes(input);
  std::vector<GlobToken> tokens;
  size_t i = 0;
  // Reads one rune at i, resolving a backslash escape.
  auto next_rune = [&](size_t at, char32_t* r, bool* escaped) -> size_t {
    if (runes[at] == '\\') {
      if (at + 1 >= runes.size()) invalid_glob(input, at, "input ends with a \\ (escape) character");
      *r = runes[at + 1];
      *escaped = true;
      return at + 2;
    }
    *r = runes[at];
    *escaped = false;
    return at + 1;
  };
  while (i < runes.size()) {
    char32_t r = 0;
    bool escaped = false;
    i = next_rune(i, &r, &escaped);
    GlobToken t;
    if (!escaped && (r == '+' || r == '*')) {
      std::string flag;
      append_rune(r, flag);
      invalid_glob(input, i, "flag '" + flag + "' must be preceded by a non-flag");
    } else if (!escaped && r == ']') {
      invalid_glob(input, i, "set-close ']' with no preceding '['");
    } else if (!escaped && r == '.') {
      t.type = GlobToken::Type::Dot;
    } else if (!escaped && r == '[') {
      t.type = GlobToken::Type::Set;
      bool complete = false;
      bool prev_exists = false;
      char32_t prev = 0;
      while (i < runes.size() && !complete) {
        i = next_rune(i, &r, &escaped);
        if (escaped) {
          t.set.push_back(r);
          prev = r;
          prev_exists = true;
        } else if (r == '-') {
          if (!prev_exists) invalid_glob(input, i, "range character '-' must be preceded by a Unicode character");
          if (i >= runes.size()) invalid_glob(input, i, "range character '-' must be followed by a Unicode character");
          i = next_rune(i, &r, &escaped);
          if (!escaped && (r == ']' || r == '-')) {
            invalid_glob(input, i, "range character '-' cannot be followed by a special symbol");
          }
          for (char32_t x = prev; x <= r; ++x) t.set.push_back(x);
          prev_exists = false;
        } else if (r == ']') {
          complete = true;
        } else {
          t.set.push_back(r);
          prev = r;
          prev_exists = true;
        }
      }
      if (!complete) invalid_glob(input, i, "found [ without matching ]");
    } else {
      t.ch = r;
    }
    if (i < runes.size() && (runes[i] == '*' || runes[i] == '+')) t.flag = static_cast<char>(runes[i++]);
    tokens.push_back(std::move(t));
  }
  return tokens;
}

bool tokens_intersect(const GlobToken& a, const GlobToken& b) {
  if (a.type == GlobToken::Type::Dot || b.type == GlobToken::Type::Dot) return true;
  auto in = [](const std::vector<char32_t>& set, char32_t r) {
    return std::find(set.begin(), set.end(), r) != set.end();
  };
  if (a.type == GlobToken::Type::Char && b.type == GlobToken::Type::Char) return a.ch == b.ch;
  if (a.type == GlobToken::Type::Char) return in(b.set, a.ch);
  if (b.type == GlobToken::Type::Char) return in(a.set, b.ch);
  for (char32_t r : a.set) {
    if (in(b.set, r)) return true;
  }
  return false;
}

// Reachability over the product of the two token automata.
bool globs_intersect(const std::vector<GlobToken>& g1, const std::vector<GlobToken>& g2) {
  size_t n = g1.size(), m = g2.size();
  std::vector<char> seen((n + 1) * (m + 1), 0);
  std::vector<std::pair<size_t, size_t>> work;
  auto visit = [&](size_t i, size_t j) {
    char& s = seen[i * (m + 1) + j];
    if (!s) {
      s = 1;
      work.emplace_back(i, j);
    }
  };
  visit(0, 0);
  while (!work.empty()) {
    auto [i, j] = work.back();
    work.pop_back();
    if (i == n && j == m) return true;
    if (i < n && g1[i].flag == '*') visit(i + 1, j);
    if (j < m && g2[j].flag == '*') visit(i, j + 1);
    if (i < n && j < m && tokens_intersect(g1[i], g2[j])) {
      bool stay_i = g1[i].flag != 0, stay_j = g2[j].flag != 0;
      bool leave_i = g1[i].flag != '*', leave_j = g2[j].flag != '*';
      for (int a = 0; a < 2; ++a) {
        for (int b = 0; b < 2; ++b) {
          if ((a == 0 && !stay_i) || (a == 1 && !leave_i) || (b == 0 && !stay_j) || (b == 1 && !leave_j)) continue;
          visit(i + static_cast<size_t>(a), j + static_cast<size_t>(b));
        }
      }
    }
  }
  return false;
}

Result regex_globs_match(Args args, BuiltinContext&) {
  const std::string& a = string_operand(args, 1);
  const std::string& b = string_operand(args, 2);
  charge_work(a.size() + b.size());
  std::vector<GlobToken> g1 = tokenize_glob(a);
  std::vector<GlobToken> g2 = tokenize_glob(b);
  return Value::boolean(globs_intersect(g1, g2));
}

}  // namespace

void register_regex_builtins(BuiltinRegistry& r) {
  r.add({.name = "regex.is_valid", .arity = 1, .function = regex_is_valid});
  r.add({.name = "regex.match", .arity = 2, .function = regex_match});
  r.add({.name = "re_match", .arity = 2, .function = regex_match, .deprecated = true});
  r.add({.name = "regex.split", .arity = 2, .function = regex_split});
  r.add({.name = "regex.find_n", .arity = 3, .function = regex_find_n});
  r.add({.name = "regex.find_all_string_submatch_n", .arity = 3, .function = regex_find_all_string_submatch_n});
  r.add({.name = "regex.replace", .arity = 3, .function = regex_replace});
  r.add({.name = "regex.template_match", .arity = 4, .function = regex_template_match});
  r.add({.name = "regex.globs_match", .arity = 2, .function = regex_globs_match});
}

}  // namespace tollgate::rego
