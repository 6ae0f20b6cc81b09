// Reading a big `kubectl get -A -o json` List one item at a time: the file
// is read in blocks and each item's text is handed to the JSON parser on
// its own, so neither the file nor the List is ever whole in memory (a
// 100,000-object dump is some 340 MB of text). Only the List's own framing
// is scanned here (strings, brackets, its top-level keys); every item and
// every other top-level value is parsed by rules/value/json.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "policies/gator/object_reader.h"

namespace tollgate::policies::audit {

enum class DumpStream {
  Streamed,  // every item was handed to on_item
  NotAList,  // not one JSON object with an `items` array: read it whole instead (nothing was handed over)
  Failed,    // unreadable or malformed: *error says where
};

// Calls on_item(object, bytes read so far) for each item of the List in
// `path`, in order; items of a typed list (PodList) without apiVersion/kind
// get the list's, as unwrap_lists does. on_item returning false stops the
// read (Streamed is returned). `file`, `line` and `column` of each object
// are the path and where the item's opening brace is.
DumpStream stream_json_list(const std::string& path,
                            const std::function<bool(gator::SourcedObject&& object, size_t bytes_read)>& on_item,
                            std::string* error);

}  // namespace tollgate::policies::audit
