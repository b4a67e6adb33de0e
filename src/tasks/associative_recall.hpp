#pragma once
// Associative recall with a matrix memory (THEORY §5, S3): a stream of (key, value) writes, then
// queries whose right answer is the latest value written under the key. Constructions for S3.1
// (overwrites with one-hot keys) and S3.2 (capacity: m pairs in d dimensions), and their
// evaluation by running models/matrix_memory.hpp in any point arithmetic.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/rational.hpp"
#include "linalg/matrix.hpp"
#include "models/matrix_memory.hpp"
#include "models/storage.hpp"

namespace freelunch::tasks {

struct RecallStream {
  std::size_t d = 0, d_v = 0;
  std::vector<std::vector<Rational>> keys, values;  // the writes, in order
  std::vector<Rational> betas;                      // one per write (the delta rule's strength)
  std::vector<std::vector<Rational>> queries, expected;
  std::string name;
};

// S3.1: `writes` writes with one-hot keys drawn from the d basis vectors (seeded; at least one key
// repeats when writes > d), values in {1, ..., 4}^d_v (positive, so a sum of two or more values
// never equals the latest), strength beta; then one query per key written, in the order of first
// writes, expecting the latest value.
RecallStream overwrite_stream(std::size_t d, std::size_t d_v, std::size_t writes, std::uint64_t seed, const Rational& beta = Rational(1));

// S3.2: m scalar pairs in d dimensions, β = 1: keys e_1..e_d, then for m = d + 1 the unit key
// (3/5, 4/5, 0, ..., 0) (d >= 2); values `values` (size m); one query per key, in order.
RecallStream capacity_stream(std::size_t d, std::size_t m, const std::vector<Rational>& values);

// `freelunch recall`: m distinct keys in d dimensions and W >= m scalar writes, β = 1. Keys: e_1..e_d,
// then (for m > d, d >= 2) the unit keys (3/5) e_j + (4/5) e_(j+1 mod d), j = 1..d, so m <= 2d.
// The first m writes write every key once, in order; the others pick a key uniformly (seeded).
// Values are drawn from {1, ..., 4} (seeded). One query per key, in key order, expecting the
// latest value written under it.
RecallStream recall_stream(std::size_t d, std::size_t m, std::size_t writes, std::uint64_t seed);

// The index (0-based) of the first query whose key was written more than once.
std::optional<std::size_t> first_repeated_query(const RecallStream& s);

struct RecallOutcome {
  bool correct = true;
  std::optional<std::size_t> first_wrong_query;
  std::vector<std::vector<Rational>> outputs;  // exact values of the outputs (non-finite: empty)
};

// Runs the writes and the queries in the arithmetic. `decoded`: right when every output entry is
// within 1/2 of the expected one (recall of ±1 or integer values); otherwise right only when
// equal. A non-finite output is wrong.
template <arith::PointArithmetic A>
RecallOutcome run_recall(const A& ar, models::MemoryRule rule, const RecallStream& s, bool decoded, const models::RoundingSemantics& sem,
                         models::Counters* counters = nullptr) {
  using V = typename A::value_type;
  auto in = [&](const std::vector<Rational>& xs) {
    std::vector<V> out;
    for (const Rational& q : xs) out.push_back(ar.from_rational(models::through_storage(q, sem)));
    return out;
  };
  models::MatrixMemory<V> m(s.d, s.d_v, ar.from_int(0));
  for (std::size_t w = 0; w < s.keys.size(); ++w)
    models::memory_write(ar, rule, m, in(s.keys[w]), in(s.values[w]), ar.from_rational(models::through_storage(s.betas[w], sem)), sem, counters);
  RecallOutcome out;
  for (std::size_t q = 0; q < s.queries.size(); ++q) {
    const std::vector<V> y = models::memory_read(ar, m, in(s.queries[q]), sem, counters);
    std::vector<Rational> exact;
    bool right = true;
    for (std::size_t a = 0; a < y.size(); ++a) {
      if (!ar.is_finite(y[a])) {
        right = false;
        exact.clear();
        break;
      }
      exact.push_back(ar.to_rational(y[a]));
      const Rational err = exact.back() - s.expected[q][a];
      right = right && (decoded ? (err < Rational(1, 2) && err > Rational(-1, 2)) : err == 0);
    }
    out.outputs.push_back(exact);
    if (!right && out.correct) {
      out.correct = false;
      out.first_wrong_query = q;
    }
  }
  return out;
}

// The recall block G (queries x writes) of a stream with scalar values, formed by running the
// exact model once per write with value e_i (column i): the outputs are G times the values, since
// the memory is linear in the values for fixed keys and strengths.
linalg::Matrix<Rational> recall_block(models::MemoryRule rule, const RecallStream& s, const models::RoundingSemantics& sem);

}  // namespace freelunch::tasks
