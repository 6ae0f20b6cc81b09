#include "rules/value/yaml.h"

#include <sys/stat.h>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <limits>
#include <optional>
#include <sstream>
#include <unordered_set>

#include "rules/value/decimal.h"
#include "rules/value/number_format.h"

namespace tollgate::value {

namespace {

// Constants, not std::string globals: parse_yaml may run during another
// file's static initialisation (a test's fixture), before those would be built.
constexpr std::string_view kTagInt = "tag:yaml.org,2002:int";
constexpr std::string_view kTagFloat = "tag:yaml.org,2002:float";
constexpr std::string_view kTagBool = "tag:yaml.org,2002:bool";
constexpr std::string_view kTagNull = "tag:yaml.org,2002:null";
constexpr std::string_view kTagPlain = "?";  // yaml-cpp's tag for untagged plain scalars and collections

// A conversion failure at a node (bad explicit tag, unsupported key).
struct ConvertError {
  std::string message;
  YAML::Mark mark;
};

SourceLocation location_of(const YAML::Mark& m) {
  if (m.line < 0) return {};
  return SourceLocation{m.line + 1, m.column + 1};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_octal(char c) { return c >= '0' && c <= '7'; }

template <class Pred>
bool all_chars(std::string_view s, Pred pred) {
  if (s.empty()) return false;
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}

std::string_view strip_plus(std::string_view s) { return !s.empty() && s[0] == '+' ? s.substr(1) : s; }

// ---- YAML 1.2 core schema ----

bool is_null_text(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

std::optional<bool> resolve_bool(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

std::string uint_text(uint64_t u) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, u);
  return std::string(buf, static_cast<size_t>(r.ptr - buf));
}

std::optional<Value> unsigned_in_base(std::string_view digits, int base) {
  uint64_t u = 0;
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return std::nullopt;
  if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Value::integer(static_cast<int64_t>(u));
  return Value::bignum(uint_text(u));
}

std::optional<Value> resolve_int(std::string_view s) {
  std::string_view unsigned_part = s.empty() || (s[0] != '-' && s[0] != '+') ? s : s.substr(1);
  if (all_chars(unsigned_part, is_digit)) {
    std::string_view text = strip_plus(s);
    int64_t i = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), i);
    if (r.ec == std::errc() && r.ptr == text.data() + text.size()) return Value::integer(i);
    return Value::bignum(std::string(s));  // beyond int64: keep every digit
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && all_chars(s.substr(2), is_hex)) return unsigned_in_base(s.substr(2), 16);
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && all_chars(s.substr(2), is_octal)) return unsigned_in_base(s.substr(2), 8);
  return std::nullopt;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool matches_float(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < n && is_digit(s[i])) ++i, ++int_digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < n && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

std::optional<Value> resolve_float(std::string_view s) {
  if (matches_float(s)) {
    std::string_view text = strip_plus(s);
    double d = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), d);
    if (r.ec == std::errc::result_out_of_range) {
      Decimal dec;
      parse_decimal(text, &dec, nullptr);
      d = decimal_to_double(dec);
    }
    return Value::number(d);
  }
  std::string_view unsigned_part = s.empty() || (s[0] != '-' && s[0] != '+') ? s : s.substr(1);
  if (unsigned_part == ".inf" || unsigned_part == ".Inf" || unsigned_part == ".INF") {
    double inf = std::numeric_limits<double>::infinity();
    return Value::number(s[0] == '-' ? -inf : inf);
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return Value::number(std::numeric_limits<double>::quiet_NaN());
  return std::nullopt;
}

Value resolve_plain(const std::string& s) {
  if (is_null_text(s)) return Value();
  if (auto b = resolve_bool(s)) return Value::boolean(*b);
  if (auto i = resolve_int(s)) return *i;
  if (auto f = resolve_float(s)) return *f;
  return Value::string(s);
}

Value convert_scalar(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  if (tag == kTagPlain) return resolve_plain(text);
  if (tag == kTagInt) {
    if (auto i = resolve_int(text)) return *i;
    throw ConvertError{"cannot parse \"" + text + "\" as !!int", node.Mark()};
  }
  if (tag == kTagFloat) {
    if (auto f = resolve_float(text)) return *f;
    if (auto i = resolve_int(text)) return Value::number(i->to_double());
    throw ConvertError{"cannot parse \"" + text + "\" as !!float", node.Mark()};
  }
  if (tag == kTagBool) {
    if (auto b = resolve_bool(text)) return Value::boolean(*b);
    throw ConvertError{"cannot parse \"" + text + "\" as !!bool", node.Mark()};
  }
  if (tag == kTagNull) return Value();
  // Quoted ("!"), block, !!str and application tags: the text itself.
  return Value::string(text);
}

// Kubernetes' YAML-to-JSON conversion turns every mapping key into a string.
std::string key_string(const YAML::Node& key) {
  if (key.IsNull()) return "null";
  if (!key.IsScalar()) throw ConvertError{"unsupported mapping key: keys must be scalars", key.Mark()};
  Value v = convert_scalar(key);
  switch (v.kind()) {
    case Kind::String:
    case Kind::BigNum: return v.as_string();
    case Kind::Int: return std::to_string(v.as_int());
    case Kind::Double: return format_double_g(v.as_double());
    case Kind::Bool: return v.as_bool() ? "true" : "false";
    default: return "null";
  }
}

bool is_merge_key(const YAML::Node& key) { return key.IsScalar() && key.Tag() == kTagPlain && key.Scalar() == "<<"; }

// go-yaml v3's rule against alias bombs (decode.go, allowedAliasRatio): of
// the nodes a document decodes to, up to 99% may come from alias expansion
// while there are at most 400,000 of them, falling smoothly to 10% at 4M.
constexpr double kAliasRatioRangeLow = 400000;
constexpr double kAliasRatioRangeHigh = 4000000;

double allowed_alias_ratio(double decode_count) {
  if (decode_count <= kAliasRatioRangeLow) return 0.99;
  if (decode_count >= kAliasRatioRangeHigh) return 0.10;
  return 0.99 - 0.89 * ((decode_count - kAliasRatioRangeLow) / (kAliasRatioRangeHigh - kAliasRatioRangeLow));
}

// Converts one document. yaml-cpp shares the node of an anchor with its
// aliases, so the tree it builds stays small, but converting expands every
// alias (and every `<<` merge) again: the expansion is budgeted like
// go-yaml's, and its nesting like yaml-cpp's parser.
class Converter {
 public:
  Converter(SourceMap* locations, size_t source_bytes)
      : locations_(locations), alias_byte_budget_(std::max<size_t>(kMinAliasBytes, source_bytes * kAliasByteRatio)) {}

  Value convert(const YAML::Node& node, const std::string& pointer) {
    ++decode_count_;
    if (alias_depth_ > 0) ++alias_count_;
    if (alias_count_ > 100 && decode_count_ > 1000 &&
        static_cast<double>(alias_count_) / static_cast<double>(decode_count_) >
            allowed_alias_ratio(static_cast<double>(decode_count_)))
      throw ConvertError{"document contains excessive aliasing", node.Mark()};
    if (node.Type() == YAML::NodeType::Scalar) {
      // Long scalars are the ones whose copies add up: one met again is an
      // alias of it, as is any inside an aliased collection.
      size_t size = node.Scalar().size();
      if (size >= kLongScalar && (alias_depth_ > 0 || !seen_.insert(node.Mark().pos).second))
        charge_alias_bytes(size, node);
      return convert_scalar(node);
    }
    if (node.Type() != YAML::NodeType::Sequence && node.Type() != YAML::NodeType::Map) return Value();
    if (depth_ >= kMaxYamlDepth)
      throw ConvertError{"document nesting too deep (more than " + std::to_string(kMaxYamlDepth) + " levels)",
                         node.Mark()};
    // A collection met a second time is an alias (or merge) of it.
    bool aliased = !seen_.insert(node.Mark().pos).second;
    Nesting nesting(this, aliased);
    return convert_collection(node, pointer);
  }

 private:
  static constexpr size_t kMinAliasBytes = size_t{1} << 20;
  static constexpr size_t kAliasByteRatio = 10;
  static constexpr size_t kLongScalar = 64;

  struct Nesting {
    Nesting(Converter* c, bool aliased) : c(c), aliased(aliased) {
      ++c->depth_;
      if (aliased) ++c->alias_depth_;
    }
    ~Nesting() {
      --c->depth_;
      if (aliased) --c->alias_depth_;
    }
    Converter* c;
    bool aliased;
  };

  // Strings copied out of aliased scalars: a few aliases of one long string
  // add up without many nodes.
  void charge_alias_bytes(size_t n, const YAML::Node& node) {
    alias_bytes_ += n;
    if (alias_bytes_ > alias_byte_budget_)
      throw ConvertError{"document contains excessive aliasing (" + std::to_string(alias_bytes_) +
                             " bytes of aliased strings)",
                         node.Mark()};
  }

  Value convert_collection(const YAML::Node& node, const std::string& pointer) {
    switch (node.Type()) {
      case YAML::NodeType::Sequence: {
        std::vector<Value> items;
        items.reserve(node.size());
        size_t index = 0;
        for (const YAML::Node& item : node) {
          std::string child = pointer_append(pointer, index++);
          locations_->set(child, location_of(item.Mark()));
          items.push_back(convert(item, child));
        }
        return Value::array(std::move(items));
      }
      case YAML::NodeType::Map: {
        std::vector<Value::Entry> entries;
        entries.reserve(node.size());
        // Merged entries go first so that explicit keys, added later, win.
        for (const auto& kv : node)
          if (is_merge_key(kv.first)) merge(kv.second, pointer, &entries);
        for (const auto& kv : node) {
          if (is_merge_key(kv.first)) continue;
          add_entry(kv.first, kv.second, pointer, &entries);
        }
        return Value::object_keeping_order(std::move(entries));
      }
      default: return Value();
    }
  }

 private:
  void add_entry(const YAML::Node& key, const YAML::Node& value, const std::string& pointer,
                 std::vector<Value::Entry>* entries) {
    std::string name = key_string(key);
    std::string child = pointer_append(pointer, name);
    locations_->set(child, location_of(key.Mark()));
    Value converted = convert(value, child);
    entries->emplace_back(Value::string(std::move(name)), std::move(converted));
  }

  // `<<: *base` or `<<: [*a, *b]` (earlier maps take precedence).
  void merge(const YAML::Node& source, const std::string& pointer, std::vector<Value::Entry>* entries) {
    if (source.IsMap()) {
      Value merged = convert(source, pointer);
      entries->insert(entries->end(), merged.entries().begin(), merged.entries().end());
      return;
    }
    if (source.IsSequence()) {
      for (size_t i = source.size(); i-- > 0;) {
        if (!source[i].IsMap()) throw ConvertError{"merge key << needs a mapping or a list of mappings", source[i].Mark()};
        merge(source[i], pointer, entries);
      }
      return;
    }
    throw ConvertError{"merge key << needs a mapping or a list of mappings", source.Mark()};
  }

  SourceMap* locations_;
  size_t alias_byte_budget_;
  size_t alias_bytes_ = 0;
  int64_t decode_count_ = 0;
  int64_t alias_count_ = 0;
  int alias_depth_ = 0;
  int depth_ = 0;
  std::unordered_set<int> seen_;  // positions of the collections and long scalars converted so far
};

void append_escaped_token(std::string_view token, std::string& out) {
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
}

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a `\uXXXX` escape starting at text[i] (the backslash), or -1.
int unicode_escape_at(std::string_view text, size_t i) {
  if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u') return -1;
  int unit = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    int h = hex_value(text[k]);
    if (h < 0) return -1;
    unit = unit * 16 + h;
  }
  return unit;
}

// JSON writes a character beyond the BMP as a UTF-16 surrogate pair
// (`\ud83d\ude00`), which yaml-cpp refuses ("invalid unicode: 55357"). In a
// JSON document every backslash is inside a double-quoted string, so each
// pair can be rewritten as the YAML escape of the same character
// (`\U0001f600`). Returns false when there is no pair to rewrite.
bool rewrite_json_surrogate_pairs(std::string_view text, std::string* out) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || (text[start] != '{' && text[start] != '[')) return false;
  bool rewrote = false;
  bool in_string = false;
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      out->push_back(c);
      continue;
    }
    if (c == '"') {
      in_string = false;
      out->push_back(c);
      continue;
    }
    if (c != '\\' || i + 1 >= text.size()) {
      out->push_back(c);
      continue;
    }
    int high = unicode_escape_at(text, i);
    int low = high >= 0xD800 && high <= 0xDBFF ? unicode_escape_at(text, i + 6) : -1;
    if (low >= 0xDC00 && low <= 0xDFFF) {
      unsigned code = 0x10000u + ((static_cast<unsigned>(high) - 0xD800u) << 10) + (static_cast<unsigned>(low) - 0xDC00u);
      char buf[11];
      std::snprintf(buf, sizeof buf, "\\U%08X", code);
      out->append(buf);
      i += 11;
      rewrote = true;
      continue;
    }
    out->push_back(c);  // any other escape: its next character is not a quote
    out->push_back(text[++i]);
  }
  return rewrote;
}

// Where each document of a stream starts; nothing else.
class DocumentStarts final : public YAML::EventHandler {
 public:
  YAML::Mark start;
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// yaml-cpp 0.7's LoadAll never returns on a stream where a token that can
// start no node follows a document (a stray ',': `{"a":1},`): its parser
// reports that token as one more null document without consuming it,
// forever, and memory grows until the process dies (jbeder/yaml-cpp#1319,
// fixed after 0.7). So the events are walked first, and a document that
// starts where the previous one did is the error go-yaml reports there.
std::vector<YAML::Node> load_all_documents(const std::string& text) {
  {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts starts;
    int previous = -1;
    while (parser.HandleNextDocument(starts)) {
      if (starts.start.pos == previous) throw YAML::ParserException(starts.start, "did not find expected <document start>");
      previous = starts.start.pos;
    }
  }
  return YAML::LoadAll(text);
}

std::vector<YAML::Node> load_all(std::string_view text) {
  try {
    return load_all_documents(std::string(text));
  } catch (const YAML::ParserException& e) {
    std::string rewritten;
    if (e.msg.rfind(YAML::ErrorMsg::INVALID_UNICODE, 0) != 0 || !rewrite_json_surrogate_pairs(text, &rewritten))
      throw;
    return load_all_documents(rewritten);
  }
}

}  // namespace

SourceLocation SourceMap::find(std::string_view pointer) const {
  std::string key(pointer);
  while (true) {
    auto it = at_.find(key);
    if (it != at_.end() && it->second.line > 0) return it->second;
    if (key.empty()) return {};
    size_t slash = key.rfind('/');
    key.resize(slash == std::string::npos ? 0 : slash);
  }
}

namespace {

// go-yaml's reader (libyaml's) refuses a stream that is not UTF-8 or holds
// a character YAML does not allow, before any parsing; yaml-cpp takes such
// bytes as they come. The first such character's problem, in libyaml's words.
struct CharacterProblem {
  const char* problem;
  size_t offset;
};

std::optional<CharacterProblem> first_character_problem(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c >= 0x20 && c <= 0x7E) {
      ++i;
      continue;
    }
    size_t width = (c & 0x80) == 0 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (width == 0) return CharacterProblem{"invalid leading UTF-8 octet", i};
    if (i + width > n) return CharacterProblem{"incomplete UTF-8 octet sequence", i};
    char32_t cp = width == 1 ? c : width == 2 ? (c & 0x1F) : width == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < width; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return CharacterProblem{"invalid trailing UTF-8 octet", i + k};
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (!(width == 1 || (width == 2 && cp >= 0x80) || (width == 3 && cp >= 0x800) || (width == 4 && cp >= 0x10000))) {
      return CharacterProblem{"invalid length of a UTF-8 sequence", i};
    }
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return CharacterProblem{"invalid Unicode character", i};
    bool allowed = cp == 0x09 || cp == 0x0A || cp == 0x0D || (cp >= 0x20 && cp <= 0x7E) || cp == 0x85 ||
                   (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
    if (!allowed) return CharacterProblem{"control characters are not allowed", i};
    i += width;
  }
  return std::nullopt;
}

SourceLocation location_at_offset(std::string_view text, size_t offset) {
  std::string_view before = text.substr(0, offset);
  size_t line_start = before.rfind('\n');
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  return SourceLocation{static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1,
                        static_cast<int>(offset - line_start) + 1};
}

}  // namespace

bool parse_yaml(std::string_view text, std::vector<YamlDocument>* out, YamlError* error) {
  if (std::optional<CharacterProblem> bad = first_character_problem(text)) {
    if (error) {
      error->message = bad->problem;
      error->location = location_at_offset(text, bad->offset);
    }
    return false;
  }
  std::vector<YAML::Node> docs;
  try {
    docs = load_all(text);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own message for it is "bad file".
    if (error) {
      error->message = "document nesting too deep (more than " + std::to_string(kMaxYamlDepth) + " levels)";
      error->location = location_of(e.mark);
    }
    return false;
  } catch (const YAML::Exception& e) {
    if (error) {
      error->message = e.msg;
      error->location = location_of(e.mark);
    }
    return false;
  }
  std::vector<YamlDocument> result;
  result.reserve(docs.size());
  for (const YAML::Node& doc : docs) {
    if (!doc.IsDefined() || doc.IsNull()) continue;  // empty or comment-only document
    YamlDocument d;
    d.first_line = doc.Mark().line >= 0 ? doc.Mark().line + 1 : 1;
    d.locations.set("", location_of(doc.Mark()));
    try {
      d.value = Converter(&d.locations, text.size()).convert(doc, "");
    } catch (const ConvertError& e) {
      if (error) {
        error->message = e.message;
        error->location = location_of(e.mark);
      }
      return false;
    } catch (const YAML::Exception& e) {
      if (error) {
        error->message = e.msg;
        error->location = location_of(e.mark);
      }
      return false;
    }
    result.push_back(std::move(d));
  }
  for (auto& d : result) out->push_back(std::move(d));
  return true;
}

size_t& max_yaml_file_bytes() {
  static size_t limit = kDefaultMaxYamlFileBytes;
  return limit;
}

bool load_yaml_file(const std::string& path, std::vector<YamlDocument>* out, YamlError* error, size_t max_bytes) {
  if (max_bytes == 0) max_bytes = max_yaml_file_bytes();
  auto fail = [&](int err) {
    if (error) {
      error->message = "cannot read " + path + ": " + std::strerror(err);
      error->location = {};
    }
    return false;
  };
  auto too_large = [&](std::string size) {
    if (error) {
      error->message = "file is " + size + " bytes, over the limit of " + std::to_string(max_bytes) +
                       " bytes (--max-policy-file-bytes)";
      error->location = {};
    }
    return false;
  };
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return fail(errno);
  // A regular file says its size: refused before a byte is read.
  struct stat st;
  if (::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes) {
    std::fclose(f);
    return too_large(std::to_string(st.st_size));
  }
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    text.append(buf, n);
    if (text.size() > max_bytes) {  // a pipe, or a file that grew since
      std::fclose(f);
      return too_large("more than " + std::to_string(max_bytes));
    }
  }
  bool read_error = std::ferror(f) != 0;
  int err = errno;
  std::fclose(f);
  if (read_error) return fail(err);
  return parse_yaml(text, out, error);
}

std::string pointer_append(std::string_view base, std::string_view token) {
  std::string out;
  out.reserve(base.size() + token.size() + 1);
  out.append(base);
  out.push_back('/');
  append_escaped_token(token, out);
  return out;
}

std::string pointer_append(std::string_view base, size_t index) {
  std::string out(base);
  out.push_back('/');
  out += std::to_string(index);
  return out;
}

}  // namespace tollgate::value
