#include "policies/audit/dump_stream.h"

#include <fstream>
#include <vector>

#include "rules/value/json.h"

namespace tollgate::policies::audit {
namespace {

using value::Value;

// Bytes of a file through a fixed buffer, counting lines.
class ByteReader {
 public:
  explicit ByteReader(const std::string& path) : in_(path, std::ios::binary), buffer_(kBlock) {}
  bool open() const { return static_cast<bool>(in_); }

  int peek() {
    if (pos_ == len_ && !refill()) return -1;
    return static_cast<unsigned char>(buffer_[pos_]);
  }
  int get() {
    int c = peek();
    if (c < 0) return c;
    ++pos_;
    ++consumed_;
    count(static_cast<char>(c));
    return c;
  }
  void skip_space() {
    for (int c = peek(); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = peek()) get();
  }
  // Appends a string's text to out, the opening quote already there; false at the end of the file.
  bool string_rest(std::string& out) {
    for (;;) {
      if (pos_ == len_ && !refill()) return false;
      // The run up to the next quote or backslash in one go.
      size_t start = pos_;
      while (pos_ < len_ && buffer_[pos_] != '"' && buffer_[pos_] != '\\') {
        count(buffer_[pos_]);
        ++pos_;
      }
      out.append(buffer_.data() + start, pos_ - start);
      consumed_ += pos_ - start;
      if (pos_ == len_) continue;
      int c = get();
      out += static_cast<char>(c);
      if (c == '"') return true;
      int escaped = get();
      if (escaped < 0) return false;
      out += static_cast<char>(escaped);
    }
  }
  size_t consumed() const { return consumed_; }
  int line() const { return line_; }
  // The column of the next byte: 1-based, in code points.
  int column() const { return column_ + 1; }

 private:
  static constexpr size_t kBlock = size_t{1} << 20;
  void count(char c) {
    if (c == '\n') {
      ++line_;
      column_ = 0;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;  // UTF-8 continuation bytes are not code points of their own
    }
  }
  bool refill() {
    if (!in_) return false;
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    len_ = static_cast<size_t>(in_.gcount());
    pos_ = 0;
    return len_ > 0;
  }

  std::ifstream in_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t len_ = 0;
  size_t consumed_ = 0;
  int line_ = 1;
  int column_ = 0;
};

// The text of one JSON value (an object or array with all it holds, a
// string, a scalar); false when the file ends inside it.
bool value_text(ByteReader& r, std::string& out) {
  out.clear();
  int c = r.peek();
  if (c == '"') {
    out += static_cast<char>(r.get());
    return r.string_rest(out);
  }
  if (c == '{' || c == '[') {
    int depth = 0;
    for (;;) {
      c = r.get();
      if (c < 0) return false;
      out += static_cast<char>(c);
      if (c == '"') {
        if (!r.string_rest(out)) return false;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return true;
      }
    }
  }
  for (c = r.peek(); c >= 0 && c != ',' && c != '}' && c != ']' && c != ' ' && c != '\t' && c != '\n' && c != '\r';
       c = r.peek()) {
    out += static_cast<char>(r.get());
  }
  return !out.empty();
}

bool ends_with_list(std::string_view kind) { return kind.size() >= 4 && kind.substr(kind.size() - 4) == "List"; }

}  // namespace

DumpStream stream_json_list(const std::string& path,
                            const std::function<bool(gator::SourcedObject&& object, size_t bytes_read)>& on_item,
                            std::string* error) {
  ByteReader r(path);
  if (!r.open()) {
    *error = "reading " + path + ": cannot open file";
    return DumpStream::Failed;
  }
  auto malformed = [&](const std::string& what) {
    *error = path + ":" + std::to_string(r.line()) + ": " + what;
    return DumpStream::Failed;
  };
  r.skip_space();
  if (r.peek() != '{') return DumpStream::NotAList;
  r.get();
  bool items_seen = false;
  bool handed = false;  // after the first item, NotAList is no longer an answer
  std::string list_kind;
  Value list_api_version;
  std::string text;
  value::JsonError json_error;
  auto fail = [&](const std::string& what) { return handed ? malformed(what) : DumpStream::NotAList; };
  for (bool first = true;; first = false) {
    r.skip_space();
    if (first && r.peek() == '}') {
      r.get();
      break;
    }
    Value key;
    if (r.peek() != '"' || !value_text(r, text) || !value::parse_json(text, &key, &json_error)) {
      return fail("a JSON object key was expected");
    }
    r.skip_space();
    if (r.get() != ':') return fail("':' was expected after a key");
    r.skip_space();
    if (key.string_or("") == "items" && r.peek() == '[') {
      items_seen = true;
      r.get();
      r.skip_space();
      if (r.peek() == ']') {
        r.get();
      } else {
        for (;;) {
          r.skip_space();
          int line = r.line();
          int column = r.column();
          Value item;
          if (!value_text(r, text)) return malformed("the dump ends inside an item of its List");
          if (!value::parse_json(text, &item, &json_error)) {
            int at = line;
            for (size_t i = 0; i < json_error.offset && i < text.size(); ++i) at += text[i] == '\n';
            *error = path + ":" + std::to_string(at) + ": " + json_error.message;
            return DumpStream::Failed;
          }
          handed = true;
          if (item.is_object()) {
            // A typed list (PodList) from the API server leaves its items' type out.
            if (item["kind"].is_null() && !list_kind.empty()) {
              item = value::with_entry(item, "kind", Value::string(list_kind));
              if (item["apiVersion"].is_null() && list_api_version.is_string()) {
                item = value::with_entry(item, "apiVersion", list_api_version);
              }
            }
            if (item["kind"].is_string() && !on_item(gator::SourcedObject{std::move(item), path, line, column}, r.consumed())) {
              return DumpStream::Streamed;
            }
          }
          r.skip_space();
          int c = r.get();
          if (c == ']') break;
          if (c != ',') return malformed("',' or ']' was expected after an item of the List");
        }
      }
    } else {
      Value v;
      if (!value_text(r, text) || !value::parse_json(text, &v, &json_error)) return fail("a JSON value was expected");
      std::string_view name = key.string_or("");
      if (name == "kind" && v.is_string()) {
        std::string_view kind = v.as_string();
        if (!ends_with_list(kind)) return fail("an object with items that is not a List (kind " + std::string(kind) + ")");
        list_kind = std::string(kind.substr(0, kind.size() - 4));
      } else if (name == "apiVersion") {
        list_api_version = v;
      }
    }
    r.skip_space();
    int c = r.get();
    if (c == '}') break;
    if (c != ',') return fail("',' or '}' was expected in the List");
  }
  r.skip_space();
  if (r.peek() >= 0) return fail("more than one JSON document");
  if (!items_seen) return DumpStream::NotAList;
  return DumpStream::Streamed;
}

}  // namespace tollgate::policies::audit
