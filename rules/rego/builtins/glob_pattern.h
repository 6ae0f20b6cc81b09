// Glob patterns as github.com/gobwas/glob compiles them for OPA's
// glob.match: `*` (any run of non-delimiter characters), `**` (anything),
// `?` (one non-delimiter character), `[abc]` `[a-z]` `[!abc]` `[!a-z]`
// (one character, delimiters included), `{alt1,alt2}` (alternatives, which
// may nest and contain wildcards), `\` escapes. The whole input must match.
// Compiled to a small NFA that runs in time linear in the input.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::rego {

class GlobPattern {
 public:
  // nullptr with *error set when the pattern does not compile.
  static std::shared_ptr<const GlobPattern> compile(std::string_view pattern, std::vector<char32_t> delimiters,
                                                    std::string* error);
  bool matches(std::string_view s) const;

  struct CharClass {
    bool is_range = false;
    bool negate = false;
    char32_t lo = 0, hi = 0;
    std::u32string chars;
    bool contains(char32_t r) const;
  };
  struct Inst {
    enum class Op { Rune, Class, NotDelimiter, AnyRune, Split, Jump, Match };
    Op op = Op::Match;
    char32_t rune = 0;
    size_t x = 0, y = 0;  // Split targets, Jump target, Class index
  };

 private:
  std::vector<Inst> program_;
  std::vector<CharClass> classes_;
  std::vector<char32_t> delimiters_;
  friend class GlobCompiler;
};

// compile() through a bounded, thread-safe cache keyed by pattern and delimiters.
std::shared_ptr<const GlobPattern> cached_glob(std::string_view pattern, const std::vector<char32_t>& delimiters,
                                               std::string* error);

// gobwas/glob's QuoteMeta: a backslash before each of * ? \ [ ] { }.
std::string glob_quote_meta(std::string_view s);

}  // namespace tollgate::rego
