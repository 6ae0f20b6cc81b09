// libFuzzer target: a YAML stream into Values (core schema, anchors, aliases
// and merge keys under the aliasing budget, the depth limit). A stream either
// converts or gets an error with a message; every converted document prints
// as JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "rules/value/json.h"
#include "rules/value/yaml.h"

using namespace tollgate::value;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<YamlDocument> docs;
  YamlError error;
  if (!parse_yaml(text, &docs, &error)) {
    if (error.message.empty()) std::abort();
    return 0;
  }
  for (const YamlDocument& doc : docs) {
    std::string json = to_json(doc.value);
    Value back;
    JsonError json_error;
    if (!parse_json(json, &back, &json_error)) std::abort();
    (void)doc.locations.find("/spec/targets/0/rego");
  }
  return 0;
}
