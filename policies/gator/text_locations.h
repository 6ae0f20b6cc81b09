// Where objects start in the text they were read from, for reports that
// point into the file (SARIF regions, workflow annotations). Lines are
// 1-based and end at "\n" (a "\r\n" counts once); columns are 1-based and
// count Unicode code points (SARIF's "unicodeCodePoints"), so a multi-byte
// character before an object moves it by one.
#pragma once

#include <string_view>
#include <vector>

#include "rules/value/yaml.h"

namespace tollgate::policies::gator {

struct JsonObjectLocations {
  value::SourceLocation root;                // where the root value starts
  std::vector<value::SourceLocation> items;  // its elements when the root is an array, else those of
                                             // its "items" array (a List); empty otherwise
};

// The JSON parser keeps no positions: one pass over the text finds them.
// The text is meant to be JSON the parser accepted; on anything else the
// answer is partial.
JsonObjectLocations json_object_locations(std::string_view text);

// The YAML reader counts columns in bytes: this turns its (line, byte column)
// into (line, code point column), walking the text once when asked in
// increasing order (as documents and their items come).
class CodePointColumns {
 public:
  explicit CodePointColumns(std::string_view text) : text_(text) {}
  value::SourceLocation convert(value::SourceLocation byte_location);

 private:
  std::string_view text_;
  int line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace tollgate::policies::gator
