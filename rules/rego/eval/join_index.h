// Equality joins over base data, indexed once per data snapshot.
//
// A body such as uniqueserviceselector's
//
//   other := data.inventory.namespace[ns][_]["Service"][name]   # generator
//   not identical(other, input.review)                          # reads input
//   other_selector := flatten_selector(other)                   # reads the row only
//   input_selector == other_selector                            # join
//
// walks every Service of the cluster for every Service reviewed: quadratic in
// an audit. The rows the generator gives and the join keys the row-only
// expressions derive from them depend on the data alone, so they are
// computed once per data document (the `data` Value of the query, by
// identity) and kept beside the compiled policy: key -> rows in generator
// order. A query then computes its probe (`input_selector`, bound before the
// generator), and continues the body from the expression after the
// generator for the rows of that key only, in their original order; every
// expression, the join included, still runs for those rows, so the
// solutions are the same (OPA indexes comprehensions the same way,
// topdown's comprehension index; this is that index kept across queries).
//
// Rows that are skipped would only have run the expressions between the
// generator and the join: those that read only the row ran for every row
// when the index was built (an error there leaves the site unindexed);
// those that read the query's bindings must be free of `with`, object
// comprehensions, rule references, refused builtins and functions that could
// give two outputs (`functions must not produce multiple outputs`) for a row
// (join_index.cpp). Tracing, `with`, and strict builtin errors evaluate as
// written.
// TOLLGATE_REGO_JOIN_INDEX=off turns the index off (to compare).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::rego::ir {
struct Expr;
struct Term;
}  // namespace tollgate::rego::ir

namespace tollgate::rego::eval {

// What the analysis of one generator found (immutable once made).
struct JoinPlan {
  std::vector<uint32_t> row_slots;            // bound by the generator: must be unbound when it runs
  std::vector<uint32_t> fresh_slots;          // bound later in the body: must be unbound too
  std::vector<uint32_t> probe_slots;          // read by the probe: must be bound
  std::vector<const ir::Expr*> key_exprs;     // the row-only expressions between generator and join
  const ir::Term* key = nullptr;              // the row's side of the join
  const ir::Term* probe = nullptr;            // the query's side
};

// The rows of one generator over one data document, by join key.
struct JoinIndex {
  std::vector<std::vector<value::Value>> rows;  // row i: the values of JoinPlan::row_slots
  std::unordered_map<value::Value, std::vector<uint32_t>, value::ValueHash> by_key;
};

// Per compiled policy: the plan of each generator expression (made on first
// use) and its index for the current data document. Thread-safe; an index
// is shared read-only by the queries that use it.
class JoinIndexCache {
 public:
  struct Site {
    bool analysed = false;
    std::shared_ptr<const JoinPlan> plan;   // null: not an indexable join
    std::shared_ptr<const JoinIndex> index; // for data_
    bool unindexable = false;               // building failed for data_
  };

  JoinIndexCache() = default;
  JoinIndexCache(const JoinIndexCache&) = delete;
  JoinIndexCache& operator=(const JoinIndexCache&) = delete;

 private:
  friend class Evaluator;
  std::mutex mutex_;
  value::Value data_;  // the document the indexes were built from; held so its identity stays its own
  std::unordered_map<const ir::Expr*, Site> sites_;
};

}  // namespace tollgate::rego::eval
