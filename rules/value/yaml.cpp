#include "rules/value/yaml.h"

#include <sys/stat.h>

#include <yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <limits>
#include <optional>
#include <unordered_map>

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
// The tags the builder resolves an untagged scalar by: "?" for a plain one
// (resolved by the core schema), "!" for a quoted or block one (a string).
constexpr std::string_view kTagPlain = "?";
constexpr std::string_view kTagNonPlain = "!";

// A conversion failure at a node (bad explicit tag, unsupported key).
struct ConvertError {
  std::string message;
  yaml_mark_t mark;
};

SourceLocation location_at_offset(std::string_view text, size_t offset) {
  std::string_view before = text.substr(0, offset);
  size_t line_start = before.rfind('\n');
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  return SourceLocation{static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1,
                        static_cast<int>(offset - line_start) + 1};
}

bool is_break_at(std::string_view text, size_t i, size_t* after) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  if (c == '\n') return *after = i + 1, true;
  if (c == '\r') return *after = i + 1 < text.size() && text[i + 1] == '\n' ? i + 2 : i + 1, true;
  if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) return *after = i + 2, true;
  if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9))
    return *after = i + 3, true;
  return false;
}

// libyaml's marks count lines as it does (a break is \n, \r\n, \r, NEL,
// LS or PS) and columns in characters; a SourceLocation counts columns in
// bytes (policies/gator/text_locations turns them into code points). Marks
// asked for in stream order walk the text once; an ASCII text needs no walk.
// A mark past the end of the text (libyaml ends an unfinished last line
// before its stream end) is the end of the text.
class ByteColumns {
 public:
  ByteColumns(std::string_view text, bool ascii) : text_(text), ascii_(ascii) { rewind(); }

  SourceLocation at(const yaml_mark_t& m) {
    if (ascii_ && m.index < text_.size()) return SourceLocation{static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
    if (m.line < line_ || (m.line == 0 && m.column < chars_)) rewind();
    if (m.line == line_ && m.column < chars_) pos_ = line_start_, chars_ = 0;  // back to its line's start
    while (line_ < m.line) {
      size_t after = 0;
      while (pos_ < text_.size() && !is_break_at(text_, pos_, &after)) ++pos_;
      if (pos_ >= text_.size()) return here();  // past the end
      ++line_;
      line_start_ = pos_ = after;
      chars_ = 0;
    }
    size_t after = 0;
    while (chars_ < m.column && pos_ < text_.size() && !is_break_at(text_, pos_, &after)) {
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      pos_ += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      ++chars_;
    }
    pos_ = std::min(pos_, text_.size());
    return here();
  }

 private:
  void rewind() {
    line_ = chars_ = line_start_ = 0;
    // libyaml's reader drops a UTF-8 byte order mark before counting.
    pos_ = text_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  }
  SourceLocation here() const {
    return SourceLocation{static_cast<int>(line_) + 1, static_cast<int>(pos_ - line_start_) + 1};
  }

  std::string_view text_;
  bool ascii_;
  size_t line_ = 0, chars_ = 0;  // the walk's line and characters into it
  size_t line_start_ = 0, pos_ = 0;  // bytes
};

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

std::optional<Value> resolve_float(std::string_view s);

std::optional<Value> resolve_int(std::string_view s) {
  std::string_view unsigned_part = s.empty() || (s[0] != '-' && s[0] != '+') ? s : s.substr(1);
  if (all_chars(unsigned_part, is_digit)) {
    std::string_view text = strip_plus(s);
    int64_t i = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), i);
    if (r.ec == std::errc() && r.ptr == text.data() + text.size()) return Value::integer(i);
    // Beyond the double range as well: not a number, as in go-yaml (whose ParseFloat
    // fails there), so it resolves as a string.
    if (!resolve_float(s)) return std::nullopt;
    // Beyond int64: keep every digit, without leading zeros (their text is a JSON number).
    std::string digits(unsigned_part.substr(std::min(unsigned_part.find_first_not_of('0'), unsigned_part.size())));
    return Value::bignum((s[0] == '-' ? "-" : "") + digits);
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
    // Overflow: go-yaml's ParseFloat fails with ErrRange, and the scalar is a string.
    if (std::isinf(d)) return std::nullopt;
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

Value resolve_plain(std::string_view s) {
  if (is_null_text(s)) return Value();
  if (auto b = resolve_bool(s)) return Value::boolean(*b);
  if (auto i = resolve_int(s)) return *i;
  if (auto f = resolve_float(s)) return *f;
  return Value::string(s);
}

// A scalar's Value by its tag, or nullopt with *problem set (a bad explicit tag).
std::optional<Value> resolve_scalar(std::string_view tag, std::string_view text, std::string* problem) {
  if (tag == kTagPlain) return resolve_plain(text);
  if (tag == kTagInt) {
    if (auto i = resolve_int(text)) return *i;
    *problem = "cannot parse \"" + std::string(text) + "\" as !!int";
    return std::nullopt;
  }
  if (tag == kTagFloat) {
    if (auto f = resolve_float(text)) return *f;
    if (auto i = resolve_int(text)) return Value::number(i->to_double());
    *problem = "cannot parse \"" + std::string(text) + "\" as !!float";
    return std::nullopt;
  }
  if (tag == kTagBool) {
    if (auto b = resolve_bool(text)) return Value::boolean(*b);
    *problem = "cannot parse \"" + std::string(text) + "\" as !!bool";
    return std::nullopt;
  }
  if (tag == kTagNull) return Value();
  // Quoted ("!"), block, !!str and application tags: the text itself.
  return Value::string(text);
}

// Kubernetes' YAML-to-JSON conversion turns every mapping key into a string.
std::string key_text(const Value& v) {
  switch (v.kind()) {
    case Kind::String:
    case Kind::BigNum: return v.as_string();
    case Kind::Int: return std::to_string(v.as_int());
    case Kind::Double: return format_double_g(v.as_double());
    case Kind::Bool: return v.as_bool() ? "true" : "false";
    default: return "null";
  }
}

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

std::string too_deep_message() {
  return "document nesting too deep (more than " + std::to_string(kMaxYamlDepth) + " levels)";
}

// Builds the Values of a stream's documents straight from libyaml's parser
// events: the text is scanned once and no node tree is built. An anchor
// keeps the Value it built, so an alias (or a `<<` merge of one) shares it;
// what expanding it would cost is still counted as go-yaml counts it (every
// node of the aliased subtree, its long strings, its depth), from the totals
// kept with the anchor. The first conversion error stops the building but not
// the parse: a syntax error anywhere in the stream is reported before it.
class ValueBuilder final {
 public:
  ValueBuilder(size_t source_bytes, ByteColumns* columns)
      : alias_byte_budget_(std::max<size_t>(kMinAliasBytes, source_bytes * kAliasByteRatio)), columns_(columns) {}

  std::vector<YamlDocument> documents;
  std::optional<ConvertError> error;

  // The nesting limit was passed: nothing more is built, and the parse stops.
  bool too_deep() const { return too_deep_; }

  void OnDocumentStart() {
    anchors_.clear();  // anchors are per document, as in go-yaml
    frames_.clear();
    locations_.clear();
    root_.reset();
    decode_count_ = alias_count_ = 0;
    alias_bytes_ = long_bytes_ = 0;
  }

  void OnDocumentEnd() {
    if (error || !root_) return;  // a document of nothing (or only comments) is skipped
    YamlDocument d;
    d.first_line = root_location_.line > 0 ? root_location_.line : 1;
    d.locations.reserve(locations_.size());
    for (auto& [pointer, at] : locations_) d.locations.set(std::move(pointer), at);
    d.value = std::move(*root_);
    documents.push_back(std::move(d));
  }

  // An empty node (nothing where a value could be).
  void OnNull(const yaml_mark_t& mark, std::string_view anchor) {
    if (error) return;
    if (expecting_key()) {
      remember(anchor, Value(), 1, 0, 0, 0, "");
      take_key(Value(), mark, false);
      return;
    }
    locate_leaf(mark);
    if (!count_node(mark)) return;
    remember(anchor, Value(), 1, 0, 0, 0, "");
    place(Value(), mark, 0, nullptr, /*null_event=*/true);
  }

  void OnScalar(const yaml_mark_t& mark, std::string_view tag, std::string_view anchor, std::string_view text) {
    if (error) return;
    size_t long_size = text.size() >= kLongScalar ? text.size() : 0;
    if (expecting_key()) {
      std::optional<Value> key = convert_scalar(tag, text, mark);
      if (!key) return;
      remember(anchor, *key, 1, long_size, 0, 0, "");
      take_key(std::move(*key), mark, tag == kTagPlain && text == "<<");
      return;
    }
    locate_leaf(mark);
    if (!count_node(mark)) return;
    std::optional<Value> v = convert_scalar(tag, text, mark);
    if (!v) return;
    long_bytes_ += long_size;
    remember(anchor, *v, 1, long_size, 0, 0, "");
    place(std::move(*v), mark, 0, nullptr);
  }

  void OnAlias(const yaml_mark_t& mark, std::string_view anchor) {
    if (error) return;
    auto it = anchors_.find(anchor);
    // go-yaml's decoder (decode.go, d.alias) words both.
    if (it == anchors_.end()) return fail("unknown anchor '" + std::string(anchor) + "' referenced", mark);
    // An alias inside its own anchor would expand without end.
    if (!it->second.complete) return fail("anchor '" + std::string(anchor) + "' value contains itself", mark);
    const Anchor* a = &it->second;
    if (expecting_key()) {
      if (a->depth > 0) return fail("unsupported mapping key: keys must be scalars", mark);
      take_key(a->value, mark, false);
      return;
    }
    std::string pointer = child_pointer(mark);
    decode_count_ += a->nodes;
    if (a->depth > 0) alias_count_ += a->nodes - 1;  // the aliased collection's own node is not counted
    if (!check_alias_ratio(mark)) return;
    if (static_cast<int>(frames_.size()) + a->depth > kMaxYamlDepth) return fail(too_deep_message(), mark);
    if (a->long_bytes > 0) {
      long_bytes_ += a->long_bytes;
      alias_bytes_ += a->long_bytes;
      if (alias_bytes_ > alias_byte_budget_)
        return fail("document contains excessive aliasing (" + std::to_string(alias_bytes_) + " bytes of aliased strings)",
                    mark);
    }
    for (const auto& [suffix, at] : a->locations) locations_.emplace_back(pointer + suffix, at);
    place(a->value, mark, a->depth, nullptr);
  }

  void OnSequenceStart(const yaml_mark_t& mark, std::string_view anchor) { open(mark, anchor, false); }
  void OnSequenceEnd() { close(); }
  void OnMapStart(const yaml_mark_t& mark, std::string_view anchor) { open(mark, anchor, true); }
  void OnMapEnd() { close(); }

 private:
  static constexpr size_t kMinAliasBytes = size_t{1} << 20;
  static constexpr size_t kAliasByteRatio = 10;
  static constexpr size_t kLongScalar = 64;

  struct Anchor {
    Value value;
    int64_t nodes = 0;      // nodes an expansion decodes
    size_t long_bytes = 0;  // bytes of long strings an expansion copies
    int depth = 0;          // collection levels (0: a scalar)
    bool complete = false;  // false while its own collection is open
    std::vector<std::pair<std::string, SourceLocation>> locations;  // below the anchor's own pointer
  };

  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // An open collection.
  struct Frame {
    bool is_map = false;
    bool merge_list = false;  // `<<: [...]`: its items are merged into the enclosing map
    yaml_mark_t mark{};
    std::string anchor;
    std::string pointer;
    std::vector<Value> items;
    std::vector<yaml_mark_t> item_marks;  // of a merge list's items, for its errors
    std::vector<Value::Entry> entries;
    std::vector<Value::Entry> merged;  // from `<<` keys; they go first so that explicit keys win
    bool have_key = false;
    bool key_is_merge = false;
    std::string key_pointer;
    int child_depth = 0;
    int64_t nodes_before = 0;
    size_t long_bytes_before = 0;
    size_t locations_before = 0;
  };

  SourceLocation location_of(const yaml_mark_t& mark) { return columns_->at(mark); }

  bool expecting_key() const { return !frames_.empty() && frames_.back().is_map && !frames_.back().have_key; }

  void fail(std::string message, const yaml_mark_t& mark) {
    if (!error) error = ConvertError{std::move(message), mark};
  }

  std::optional<Value> convert_scalar(std::string_view tag, std::string_view text, const yaml_mark_t& mark) {
    std::string problem;
    std::optional<Value> v = resolve_scalar(tag, text, &problem);
    if (!v) fail(std::move(problem), mark);
    return v;
  }

  bool check_alias_ratio(const yaml_mark_t& mark) {
    if (alias_count_ > 100 && decode_count_ > 1000 &&
        static_cast<double>(alias_count_) / static_cast<double>(decode_count_) >
            allowed_alias_ratio(static_cast<double>(decode_count_))) {
      fail("document contains excessive aliasing", mark);
      return false;
    }
    return true;
  }

  bool count_node(const yaml_mark_t& mark) {
    ++decode_count_;
    return check_alias_ratio(mark);
  }

  void take_key(Value key, const yaml_mark_t& mark, bool merge) {
    Frame& f = frames_.back();
    f.have_key = true;
    f.key_is_merge = merge;
    if (merge) {
      f.key_pointer = f.pointer;  // merged entries are the map's own
      return;
    }
    std::string name = key_text(key);
    f.key_pointer = pointer_append(f.pointer, name);
    locations_.emplace_back(f.key_pointer, location_of(mark));
    f.entries.emplace_back(Value::string(std::move(name)), Value());
  }

  // The pointer of the node starting at `mark`, its location recorded where
  // the node itself (not its key) says where it is.
  std::string child_pointer(const yaml_mark_t& mark) {
    if (frames_.empty()) {
      root_location_ = location_of(mark);
      locations_.emplace_back(std::string(), root_location_);
      return std::string();
    }
    Frame& f = frames_.back();
    if (f.is_map) return f.key_pointer;
    if (f.merge_list) return f.pointer;
    std::string pointer = pointer_append(f.pointer, f.items.size());
    locations_.emplace_back(pointer, location_of(mark));
    return pointer;
  }

  void locate_leaf(const yaml_mark_t& mark) {
    if (frames_.empty() || (!frames_.back().is_map && !frames_.back().merge_list)) child_pointer(mark);
  }

  void remember(std::string_view anchor, const Value& v, int64_t nodes, size_t long_bytes, int depth,
                size_t locations_from, const std::string& pointer) {
    if (anchor.empty()) return;
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) it = anchors_.emplace(std::string(anchor), Anchor()).first;
    Anchor& a = it->second;
    a.value = v;
    a.nodes = nodes;
    a.long_bytes = long_bytes;
    a.depth = depth;
    a.complete = true;
    a.locations.clear();
    if (depth == 0) return;
    for (size_t i = locations_from; i < locations_.size(); ++i)
      a.locations.emplace_back(locations_[i].first.substr(pointer.size()), locations_[i].second);
  }

  void open(const yaml_mark_t& mark, std::string_view anchor, bool is_map) {
    if (error) return;
    if (expecting_key()) return fail("unsupported mapping key: keys must be scalars", mark);
    Frame f;
    f.is_map = is_map;
    f.merge_list = !is_map && !frames_.empty() && frames_.back().is_map && frames_.back().key_is_merge;
    f.mark = mark;
    f.anchor = anchor;
    f.pointer = child_pointer(mark);
    f.nodes_before = decode_count_;
    f.long_bytes_before = long_bytes_;
    f.locations_before = locations_.size();
    if (!count_node(mark)) return;
    if (frames_.size() >= static_cast<size_t>(kMaxYamlDepth)) {
      too_deep_ = true;
      return fail(too_deep_message(), mark);
    }
    // go-yaml names an anchor before its content: an alias inside refers to it.
    if (!anchor.empty()) {
      auto it = anchors_.find(anchor);
      if (it == anchors_.end()) it = anchors_.emplace(std::string(anchor), Anchor()).first;
      it->second.complete = false;
    }
    frames_.push_back(std::move(f));
  }

  void close() {
    if (error) return;
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    Value v;
    if (f.is_map) {
      if (f.merged.empty()) {
        v = Value::object_keeping_order(std::move(f.entries));
      } else {
        f.merged.insert(f.merged.end(), std::make_move_iterator(f.entries.begin()),
                        std::make_move_iterator(f.entries.end()));
        v = Value::object_keeping_order(std::move(f.merged));
      }
    } else {
      v = Value::array(std::move(f.items));
    }
    int depth = f.child_depth + 1;
    remember(f.anchor, v, decode_count_ - f.nodes_before, long_bytes_ - f.long_bytes_before, depth,
             f.locations_before, f.pointer);
    place(std::move(v), f.mark, depth, &f.item_marks);
  }

  // Puts a finished node in its parent (or makes it the document).
  void place(Value v, const yaml_mark_t& mark, int depth, const std::vector<yaml_mark_t>* item_marks,
             bool null_event = false) {
    if (frames_.empty()) {
      if (!null_event) root_ = std::move(v);
      return;
    }
    Frame& f = frames_.back();
    f.child_depth = std::max(f.child_depth, depth);
    if (!f.is_map) {
      f.items.push_back(std::move(v));
      if (f.merge_list) f.item_marks.push_back(mark);
      return;
    }
    f.have_key = false;
    if (f.key_is_merge) {
      merge(f, v, mark, item_marks);
    } else {
      f.entries.back().second = std::move(v);
    }
  }

  // `<<: *base` or `<<: [*a, *b]` (earlier maps take precedence).
  void merge(Frame& f, const Value& source, const yaml_mark_t& mark, const std::vector<yaml_mark_t>* item_marks) {
    constexpr std::string_view kNeedsMaps = "merge key << needs a mapping or a list of mappings";
    if (source.is_object()) {
      f.merged.insert(f.merged.end(), source.entries().begin(), source.entries().end());
      return;
    }
    if (!source.is_array()) return fail(std::string(kNeedsMaps), mark);
    const std::vector<Value>& items = source.items();
    for (size_t i = items.size(); i-- > 0;) {
      if (!items[i].is_object()) {
        return fail(std::string(kNeedsMaps), item_marks && i < item_marks->size() ? (*item_marks)[i] : mark);
      }
    }
    for (size_t i = items.size(); i-- > 0;)
      f.merged.insert(f.merged.end(), items[i].entries().begin(), items[i].entries().end());
  }

  size_t alias_byte_budget_;
  ByteColumns* columns_;
  size_t alias_bytes_ = 0;
  size_t long_bytes_ = 0;  // of every long string decoded so far, aliased or not
  int64_t decode_count_ = 0;
  int64_t alias_count_ = 0;
  bool too_deep_ = false;
  std::unordered_map<std::string, Anchor, StringHash, std::equal_to<>> anchors_;  // by name
  std::vector<Frame> frames_;
  std::vector<std::pair<std::string, SourceLocation>> locations_;  // in the order they were met
  std::optional<Value> root_;
  SourceLocation root_location_;
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
// (`\ud83d\ude00`), which YAML refuses (libyaml and go-yaml: "found invalid
// Unicode character escape code"); Kubernetes reads such a file as JSON. In a
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

// A syntax error, in libyaml's (and so go-yaml's) words.
struct SyntaxError {
  std::string message;
  SourceLocation location;
  int go_yaml_line = 0;  // YamlError::go_yaml_line
};

// The line go-yaml v2's decoder names for a libyaml error (decode.go,
// parser.fail): the problem's 0-based line, plus one for a scanner error
// ("scanner errors don't iterate line"), else the context's 0-based line;
// 0 (no line) for reader errors, whose marks are unset.
int go_yaml_error_line(const yaml_parser_t& p) {
  if (p.error == YAML_READER_ERROR) return 0;
  if (p.problem_mark.line != 0) return static_cast<int>(p.problem_mark.line) + (p.error == YAML_SCANNER_ERROR ? 1 : 0);
  return static_cast<int>(p.context_mark.line);
}

constexpr std::string_view kInvalidEscapeCode = "found invalid Unicode character escape code";

// Feeds libyaml's events for a stream to a ValueBuilder. libyaml reads the
// text in place and keeps no tree: its memory is the open collections and
// the scalar at hand, and the parse stops where nesting passes the limit.
std::vector<YamlDocument> build_documents(std::string_view text, size_t source_bytes, bool ascii) {
  struct Parser {
    yaml_parser_t p;
    Parser() { yaml_parser_initialize(&p); }
    ~Parser() { yaml_parser_delete(&p); }
  } parser;
  struct Event {
    yaml_event_t e{};
    bool live = false;
    ~Event() { clear(); }
    void clear() {
      if (live) yaml_event_delete(&e);
      live = false;
    }
  } event;
  yaml_parser_set_input_string(&parser.p, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  ByteColumns columns(text, ascii);
  ValueBuilder builder(source_bytes, &columns);
  auto view = [](const yaml_char_t* s) {
    return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
  };
  int depth = 0;
  for (bool done = false; !done;) {
    event.clear();
    if (!yaml_parser_parse(&parser.p, &event.e)) {
      const yaml_parser_t& p = parser.p;
      SyntaxError e;
      // go-yaml's parser.fail: the problem alone, or this when libyaml has none (out of memory).
      e.message = p.problem ? p.problem : "unknown problem parsing YAML content";
      if (p.error == YAML_READER_ERROR) {
        // Its offset counts bytes (parse_yaml's own check finds these first).
        e.location = location_at_offset(text, std::min(p.problem_offset, text.size()));
      } else {
        e.location = ByteColumns(text, ascii).at(p.problem_mark);
      }
      e.go_yaml_line = go_yaml_error_line(p);
      throw e;
    }
    event.live = true;
    const yaml_event_t& e = event.e;
    switch (e.type) {
      case YAML_STREAM_END_EVENT: done = true; break;
      case YAML_DOCUMENT_START_EVENT: builder.OnDocumentStart(); break;
      case YAML_DOCUMENT_END_EVENT: builder.OnDocumentEnd(); break;
      case YAML_ALIAS_EVENT: builder.OnAlias(e.start_mark, view(e.data.alias.anchor)); break;
      case YAML_SCALAR_EVENT: {
        std::string_view value(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
        bool plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (!e.data.scalar.tag && plain && value.empty()) {  // an empty node: a plain scalar is never empty text
          builder.OnNull(e.start_mark, view(e.data.scalar.anchor));
        } else {
          std::string_view tag = e.data.scalar.tag ? view(e.data.scalar.tag) : plain ? kTagPlain : kTagNonPlain;
          builder.OnScalar(e.start_mark, tag, view(e.data.scalar.anchor), value);
        }
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (++depth > kMaxYamlDepth) throw SyntaxError{too_deep_message(), columns.at(e.start_mark)};
        bool map = e.type == YAML_MAPPING_START_EVENT;
        std::string_view anchor = view(map ? e.data.mapping_start.anchor : e.data.sequence_start.anchor);
        if (map) builder.OnMapStart(e.start_mark, anchor);
        else builder.OnSequenceStart(e.start_mark, anchor);
        if (builder.too_deep()) throw SyntaxError{builder.error->message, columns.at(builder.error->mark)};
        break;
      }
      case YAML_SEQUENCE_END_EVENT: --depth, builder.OnSequenceEnd(); break;
      case YAML_MAPPING_END_EVENT: --depth, builder.OnMapEnd(); break;
      default: break;
    }
  }
  if (builder.error) throw SyntaxError{builder.error->message, ByteColumns(text, ascii).at(builder.error->mark)};
  return std::move(builder.documents);
}

std::vector<YamlDocument> load_all(std::string_view text, bool ascii) {
  try {
    return build_documents(text, text.size(), ascii);
  } catch (const SyntaxError& e) {
    std::string rewritten;
    if (e.message != kInvalidEscapeCode || !rewrite_json_surrogate_pairs(text, &rewritten)) throw;
    return build_documents(rewritten, text.size(), ascii);
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
// a character YAML does not allow. Both find it only when their reader gets
// there, after any syntax error before it; this finds it first, wherever it
// is, and says whether the text is ASCII (libyaml's character columns are
// then byte columns). The first such character's problem, in libyaml's words.
struct CharacterProblem {
  const char* problem;
  size_t offset;
};

std::optional<CharacterProblem> first_character_problem(std::string_view text, bool* ascii) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  *ascii = true;
  // Printable ASCII, tab and line breaks: the bytes of nearly every policy file.
  static constexpr auto kPlain = [] {
    std::array<bool, 256> t{};
    for (int c = 0x20; c <= 0x7E; ++c) t[c] = true;
    t['\t'] = t['\n'] = t['\r'] = true;
    return t;
  }();
  while (i < n) {
    // Eight bytes at a time while they are all printable ASCII (no high bit, none below
    // 0x20, no 0x7F); then the next eight one by one, up to the first that needs a look.
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
      uint64_t del = w ^ (0x7F * kOnes);
      if (((w | ((w - 0x20 * kOnes) & ~w) | ((del - kOnes) & ~del)) & kHigh) == 0) {
        i += 8;
        continue;
      }
    }
    const size_t stop = std::min(n, i + 8);
    while (i < stop && kPlain[p[i]]) ++i;
    if (i == stop) continue;
    unsigned char c = p[i];
    if (c >= 0x80) *ascii = false;
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

}  // namespace

bool parse_yaml(std::string_view text, std::vector<YamlDocument>* out, YamlError* error) {
  bool ascii = true;
  if (std::optional<CharacterProblem> bad = first_character_problem(text, &ascii)) {
    if (error) {
      error->message = bad->problem;
      error->location = location_at_offset(text, bad->offset);
    }
    return false;
  }
  std::vector<YamlDocument> result;
  try {
    result = load_all(text, ascii);
  } catch (const SyntaxError& e) {
    if (error) {
      error->message = e.message;
      error->location = e.location;
      error->go_yaml_line = e.go_yaml_line;
    }
    return false;
  }
  for (auto& d : result) out->push_back(std::move(d));
  return true;
}

size_t& max_yaml_file_bytes() {
  static size_t limit = kDefaultMaxYamlFileBytes;
  return limit;
}

namespace {

bool read_yaml_file(const std::string& path, std::string& text, YamlError* error, size_t max_bytes) {
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
  text.clear();
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
  return true;
}

}  // namespace

bool load_yaml_file(const std::string& path, std::vector<YamlDocument>* out, YamlError* error, size_t max_bytes) {
  std::string text;
  return read_yaml_file(path, text, error, max_bytes) && parse_yaml(text, out, error);
}

bool load_yaml_file(const std::string& path, std::string* text, std::vector<YamlDocument>* out, YamlError* error) {
  return read_yaml_file(path, *text, error, 0) && parse_yaml(*text, out, error);
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
