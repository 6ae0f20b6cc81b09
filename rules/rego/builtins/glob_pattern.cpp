#include "rules/rego/builtins/glob_pattern.h"

#include <algorithm>

#include "rules/rego/builtins/runes.h"
#include "rules/value/thread_cache.h"

namespace tollgate::rego {

bool GlobPattern::CharClass::contains(char32_t r) const {
  bool in = is_range ? (r >= lo && r <= hi) : chars.find(r) != std::u32string::npos;
  return in != negate;
}

class GlobCompiler {
 public:
  GlobCompiler(std::string_view pattern, GlobPattern& out) : runes_(to_runes(pattern)), out_(out) {}

  bool run(std::string* error) {
    if (!lex(error)) return false;
    std::vector<Node> seq;
    size_t i = 0;
    if (!parse_seq(i, seq, error)) return false;
    emit_seq(seq);
    out_.program_.push_back({GlobPattern::Inst::Op::Match});
    return true;
  }

 private:
  enum class Tok { Text, Any, Super, Single, RangeOpen, Not, RangeLo, RangeHi, RangeBetween, RangeClose, TermsOpen,
                   Separator, TermsClose, End };
  struct Token {
    Tok type;
    std::u32string text;
  };
  struct Node {
    enum class K { Text, Any, Super, Single, Class, AnyOf };
    K k = K::Text;
    std::u32string text;
    size_t cls = 0;
    std::vector<std::vector<Node>> alts;
  };

  // ---- lexer (gobwas/glob syntax/lexer) ----

  void fetch_text(std::u32string_view breakers) {
    std::u32string data;
    bool escaped = false;
    while (pos_ < runes_.size()) {
      char32_t r = runes_[pos_++];
      if (!escaped) {
        if (r == '\\') {
          escaped = true;
          continue;
        }
        if (breakers.find(r) != std::u32string_view::npos) {
          --pos_;
          break;
        }
      }
      escaped = false;
      data.push_back(r);
    }
    if (!data.empty()) tokens_.push_back({Tok::Text, std::move(data)});
  }

  bool fetch_range(std::string* error) {
    bool want_hi = false, want_close = false, seen_not = false;
    while (true) {
      if (pos_ >= runes_.size()) {
        *error = "unexpected end of input";
        return false;
      }
      char32_t r = runes_[pos_++];
      if (want_close) {
        if (r != ']') {
          *error = "expected close range character";
          return false;
        }
        tokens_.push_back({Tok::RangeClose, {}});
        return true;
      }
      if (want_hi) {
        tokens_.push_back({Tok::RangeHi, std::u32string(1, r)});
        want_close = true;
        continue;
      }
      if (!seen_not && r == '!') {
        tokens_.push_back({Tok::Not, {}});
        seen_not = true;
        continue;
      }
      if (pos_ < runes_.size() && runes_[pos_] == '-') {
        ++pos_;
        tokens_.push_back({Tok::RangeLo, std::u32string(1, r)});
        tokens_.push_back({Tok::RangeBetween, {}});
        want_hi = true;
        continue;
      }
      --pos_;
      fetch_text(U"]");
      want_close = true;
    }
  }

  bool lex(std::string* error) {
    int terms = 0;
    while (pos_ < runes_.size()) {
      char32_t r = runes_[pos_++];
      if (r == '{') {
        ++terms;
        tokens_.push_back({Tok::TermsOpen, {}});
      } else if (r == ',' && terms > 0) {
        tokens_.push_back({Tok::Separator, {}});
      } else if (r == '}' && terms > 0) {
        tokens_.push_back({Tok::TermsClose, {}});
        --terms;
      } else if (r == '[') {
        tokens_.push_back({Tok::RangeOpen, {}});
        if (!fetch_range(error)) return false;
      } else if (r == '?') {
        tokens_.push_back({Tok::Single, {}});
      } else if (r == '*') {
        if (pos_ < runes_.size() && runes_[pos_] == '*') {
          ++pos_;
          tokens_.push_back({Tok::Super, {}});
        } else {
          tokens_.push_back({Tok::Any, {}});
        }
      } else {
        --pos_;
        fetch_text(terms > 0 ? std::u32string_view(U"?*[{},") : std::u32string_view(U"?*[{"));
      }
    }
    tokens_.push_back({Tok::End, {}});
    return true;
  }

  // ---- parser ----

  bool parse_range(size_t& i, Node& node, std::string* error) {
    GlobPattern::CharClass cls;
    bool have_lo = false, have_hi = false;
    while (true) {
      const Token& t = tokens_[i++];
      switch (t.type) {
        case Tok::End: *error = "unexpected end"; return false;
        case Tok::Not: cls.negate = true; break;
        case Tok::RangeLo: cls.lo = t.text[0]; have_lo = cls.lo != 0; break;
        case Tok::RangeBetween: break;
        case Tok::RangeHi:
          cls.hi = t.text[0];
          have_hi = cls.hi != 0;
          if (cls.hi < cls.lo) {
            std::string hi, lo;
            append_rune(cls.hi, hi);
            append_rune(cls.lo, lo);
            *error = "hi character '" + hi + "' should be greater than lo '" + lo + "'";
            return false;
          }
          break;
        case Tok::Text: cls.chars = t.text; break;
        case Tok::RangeClose: {
          bool is_range = have_lo && have_hi;
          if (is_range == !cls.chars.empty()) {
            *error = "could not parse range";
            return false;
          }
          cls.is_range = is_range;
          node.k = Node::K::Class;
          node.cls = out_.classes_.size();
          out_.classes_.push_back(std::move(cls));
          return true;
        }
        default: *error = "unexpected token in range"; return false;
      }
    }
  }

  // Parses nodes into seq until the end, a ',' or a '}' (consumed);
  // *ended_by tells which.
  bool parse_seq(size_t& i, std::vector<Node>& seq, std::string* error, Tok* ended_by = nullptr) {
    while (true) {
      const Token& t = tokens_[i++];
      Node node;
      switch (t.type) {
        case Tok::End:
        case Tok::Separator:
        case Tok::TermsClose:
          if (ended_by) *ended_by = t.type;
          if (t.type == Tok::End) --i;  // leave the end for enclosing groups
          return true;
        case Tok::Text: node.text = t.text; break;
        case Tok::Any: node.k = Node::K::Any; break;
        case Tok::Super: node.k = Node::K::Super; break;
        case Tok::Single: node.k = Node::K::Single; break;
        case Tok::RangeOpen:
          if (!parse_range(i, node, error)) return false;
          break;
        case Tok::TermsOpen: {
          node.k = Node::K::AnyOf;
          Tok end = Tok::End;
          do {
            std::vector<Node> alt;
            if (!parse_seq(i, alt, error, &end)) return false;
            node.alts.push_back(std::move(alt));
          } while (end == Tok::Separator);
          break;
        }
        default: *error = "unexpected token"; return false;
      }
      seq.push_back(std::move(node));
    }
  }

  // ---- code generation ----

  size_t emit(GlobPattern::Inst inst) {
    out_.program_.push_back(inst);
    return out_.program_.size() - 1;
  }

  void emit_seq(const std::vector<Node>& seq) {
    using Op = GlobPattern::Inst::Op;
    for (const Node& n : seq) {
      switch (n.k) {
        case Node::K::Text:
          for (char32_t r : n.text) emit({Op::Rune, r});
          break;
        case Node::K::Single: emit({Op::NotDelimiter}); break;
        case Node::K::Class: emit({Op::Class, 0, n.cls}); break;
        case Node::K::Any:
        case Node::K::Super: {
          size_t split = emit({Op::Split});
          out_.program_[split].x = split + 1;
          emit({n.k == Node::K::Any ? Op::NotDelimiter : Op::AnyRune});
          emit({Op::Jump, 0, split});
          out_.program_[split].y = out_.program_.size();
          break;
        }
        case Node::K::AnyOf: {
          std::vector<size_t> jumps;
          for (size_t a = 0; a < n.alts.size(); ++a) {
            if (a + 1 < n.alts.size()) {
              size_t split = emit({Op::Split});
              out_.program_[split].x = split + 1;
              emit_seq(n.alts[a]);
              jumps.push_back(emit({Op::Jump}));
              out_.program_[split].y = out_.program_.size();
            } else {
              emit_seq(n.alts[a]);
            }
          }
          for (size_t j : jumps) out_.program_[j].x = out_.program_.size();
          break;
        }
      }
    }
  }

  std::vector<char32_t> runes_;
  size_t pos_ = 0;
  std::vector<Token> tokens_;
  GlobPattern& out_;
};

std::shared_ptr<const GlobPattern> GlobPattern::compile(std::string_view pattern, std::vector<char32_t> delimiters,
                                                        std::string* error) {
  auto glob = std::make_shared<GlobPattern>();
  glob->delimiters_ = std::move(delimiters);
  if (!GlobCompiler(pattern, *glob).run(error)) return nullptr;
  return glob;
}

bool GlobPattern::matches(std::string_view s) const {
  using Op = Inst::Op;
  std::vector<size_t> current, next;
  std::vector<uint32_t> mark(program_.size(), 0);
  uint32_t generation = 1;
  std::vector<size_t> stack;
  auto add = [&](std::vector<size_t>& list, size_t start) {
    stack.push_back(start);
    while (!stack.empty()) {
      size_t pc = stack.back();
      stack.pop_back();
      if (mark[pc] == generation) continue;
      mark[pc] = generation;
      const Inst& inst = program_[pc];
      if (inst.op == Op::Split) {
        stack.push_back(inst.y);
        stack.push_back(inst.x);
      } else if (inst.op == Op::Jump) {
        stack.push_back(inst.x);
      } else {
        list.push_back(pc);
      }
    }
  };
  auto is_delimiter = [&](char32_t r) {
    return std::find(delimiters_.begin(), delimiters_.end(), r) != delimiters_.end();
  };
  add(current, 0);
  for (size_t i = 0; i < s.size();) {
    DecodedRune d = decode_rune(s, i);
    i += d.width;
    ++generation;
    next.clear();
    for (size_t pc : current) {
      const Inst& inst = program_[pc];
      bool step = false;
      switch (inst.op) {
        case Op::Rune: step = inst.rune == d.rune; break;
        case Op::Class: step = classes_[inst.x].contains(d.rune); break;
        case Op::NotDelimiter: step = !is_delimiter(d.rune); break;
        case Op::AnyRune: step = true; break;
        default: break;
      }
      if (step) add(next, pc + 1);
    }
    current.swap(next);
    if (current.empty()) return false;
  }
  for (size_t pc : current) {
    if (program_[pc].op == Op::Match) return true;
  }
  return false;
}

std::shared_ptr<const GlobPattern> cached_glob(std::string_view pattern, const std::vector<char32_t>& delimiters,
                                               std::string* error) {
  struct Entry {
    std::shared_ptr<const GlobPattern> glob;  // null: the pattern does not compile
    std::string error;
  };
  thread_local value::BoundedCache<Entry> cache(100, size_t{1} << 20);
  std::string key(pattern);
  key.push_back('\0');
  for (char32_t d : delimiters) append_rune(d, key);
  const Entry& entry = cache.get(key, [&] {
    Entry made;
    made.glob = GlobPattern::compile(pattern, delimiters, &made.error);
    return made;
  });
  if (!entry.glob) *error = entry.error;
  return entry.glob;
}

std::string glob_quote_meta(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char c : s) {
    if (std::string_view("*?\\[]{}").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace tollgate::rego
