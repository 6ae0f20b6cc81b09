#include "policies/gator/text_locations.h"

#include <algorithm>

namespace tollgate::policies::gator {
namespace {

// A pass over JSON text that knows, at each byte, its line and column.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool done() const { return i_ >= text_.size(); }
  char peek() const { return text_[i_]; }
  value::SourceLocation here() const { return {line_, column_}; }

  void next() {
    char c = text_[i_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;  // a UTF-8 continuation byte is part of the code point before it
    }
  }

  void skip_space() {
    while (!done()) {
      char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      next();
    }
  }

  // Past a string whose opening quote is next; its raw text (escapes kept) into *raw if given.
  void skip_string(std::string_view* raw) {
    next();
    size_t start = i_;
    while (!done()) {
      char c = peek();
      if (c == '"') {
        if (raw) *raw = text_.substr(start, i_ - start);
        next();
        return;
      }
      next();
      if (c == '\\' && !done()) next();
    }
  }

  // Past a number, true, false or null.
  void skip_scalar() {
    while (!done()) {
      char c = peek();
      if (c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r') return;
      next();
    }
  }

 private:
  std::string_view text_;
  size_t i_ = 0;
  int line_ = 1;
  int column_ = 1;
};

struct Frame {
  bool object;   // '{' else '['
  bool collect;  // an array whose elements' locations are wanted
};

}  // namespace

JsonObjectLocations json_object_locations(std::string_view text) {
  JsonObjectLocations out;
  Cursor cursor(text);
  std::vector<Frame> stack;
  enum class Expect { kValue, kKey, kColon, kCommaOrEnd } expect = Expect::kValue;
  bool items_value = false;  // the value about to start is the root object's "items"
  auto after_value = [&] { expect = Expect::kCommaOrEnd; };
  while (true) {
    cursor.skip_space();
    if (cursor.done()) break;
    char c = cursor.peek();
    switch (expect) {
      case Expect::kValue: {
        if (c == ']' && !stack.empty() && !stack.back().object) {  // an empty array
          cursor.next();
          stack.pop_back();
          after_value();
          break;
        }
        if (stack.empty()) {
          out.root = cursor.here();
        } else if (stack.back().collect) {
          out.items.push_back(cursor.here());
        }
        bool wanted = (stack.empty() && c == '[') || (items_value && c == '[');
        if (items_value) out.items.clear();  // of a repeated "items" the last one is kept, as the parser does
        items_value = false;
        if (c == '{' || c == '[') {
          cursor.next();
          stack.push_back({c == '{', wanted});
          expect = c == '{' ? Expect::kKey : Expect::kValue;
        } else if (c == '"') {
          cursor.skip_string(nullptr);
          after_value();
        } else {
          cursor.skip_scalar();
          after_value();
        }
        break;
      }
      case Expect::kKey: {
        if (c == '}') {
          cursor.next();
          stack.pop_back();
          after_value();
          break;
        }
        if (c != '"') return out;
        std::string_view key;
        cursor.skip_string(&key);
        items_value = stack.size() == 1 && key == "items";
        expect = Expect::kColon;
        break;
      }
      case Expect::kColon:
        if (c != ':') return out;
        cursor.next();
        expect = Expect::kValue;
        break;
      case Expect::kCommaOrEnd:
        if (stack.empty()) return out;  // the root value is complete
        cursor.next();
        if (c == ',') {
          expect = stack.back().object ? Expect::kKey : Expect::kValue;
        } else if (c == '}' || c == ']') {
          stack.pop_back();
        } else {
          return out;
        }
        break;
    }
  }
  return out;
}

value::SourceLocation CodePointColumns::convert(value::SourceLocation at) {
  if (at.line <= 0 || at.column <= 0) return at;
  if (at.line < line_) {
    line_ = 1;
    line_start_ = 0;
  }
  while (line_ < at.line) {
    size_t newline = text_.find('\n', line_start_);
    if (newline == std::string_view::npos) return at;
    line_start_ = newline + 1;
    ++line_;
  }
  size_t end = std::min(text_.size(), line_start_ + static_cast<size_t>(at.column - 1));
  int column = 1;
  for (size_t i = line_start_; i < end; ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  return {at.line, column};
}

}  // namespace tollgate::policies::gator
