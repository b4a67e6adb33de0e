#pragma once
// The construction of T3 (THEORY §2): one state slot per source position, one-hot keys, a scalar
// decay a, and the compensation a^-(i - pos(i)) split between key and query:
//   b_j = a^(-κ_j) e_slot(j),   c_i = a^(κ_pos(i) - (i - pos(i))) e_slot(pos(i)),
// so that M_{i,pos(i)} = a^(i-pos(i)) · a^(-κ) · a^(κ-(i-pos(i))) = 1 and every other entry of an
// output row is 0 (disjoint one-hot supports). Splits: idealized (a = 1, no compensation; not
// realizable with A < 0 < Δ and marked so), query (κ = 0) and balanced (κ_j = ⌈d_j / 2⌉, key and
// query each about a^(-d/2)).
//
// Two evaluations, equal bit for bit (tested against the dense scan): dense() gives the N x n
// ScanParams for selective_scan; the structured evaluation of slot_copy_eval.hpp follows the one
// nonzero slot an output reads, O(d |V|) per output instead of O(N n). Whether the layer copies
// exactly is decided by running the model on dense() (exact_copy_check.hpp), never from the
// formulas above.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/time_cap.hpp"
#include "arith/rational.hpp"
#include "models/selective_scan.hpp"
#include "models/sparse_scan.hpp"
#include "tasks/copy_schedule.hpp"
#include "tasks/value_set.hpp"

namespace freelunch::tasks {

enum class Compensation { idealized, query, balanced };

std::string to_string(Compensation c);
// "idealized", "query", "balanced"; UsageError otherwise.
Compensation parse_compensation(const std::string& text);

class SlotCopyLayer {
 public:
  // a in (0, 1] (a = 1 only with Compensation::idealized, which requires it). With `state` n
  // given, only the first n sources (in output order) get a slot; the outputs of the others read
  // nothing (their query is 0), as a layer with too small a state must drop tokens (T1b).
  SlotCopyLayer(CopySchedule schedule, Rational decay, Compensation split, std::optional<std::size_t> state = std::nullopt);

  const CopySchedule& schedule() const { return schedule_; }
  const Rational& decay() const { return decay_; }
  Compensation split() const { return split_; }
  std::size_t slots() const { return slots_; }              // slots in use
  std::size_t state() const { return state_; }              // n: slots, or the state given
  // Whether output number k reads a slot (false: its source was dropped for lack of state).
  bool served(std::size_t k) const { return is_source(schedule_.sources[k]); }
  bool is_source(std::size_t j) const { return slot_of_[j] != kNone; }
  std::size_t slot(std::size_t j) const { return slot_of_[j]; }
  long key_exponent(std::size_t j) const { return kappa_[j]; }   // κ_j
  // The exact key entry a^(-κ_j) of a source position, and the query entry of output number k.
  Rational key(std::size_t j) const { return power(-kappa_[j]); }
  Rational query(std::size_t k) const;
  long query_exponent(std::size_t k) const;

  // The dense N x n parameters (scalar decay). Memory O(N n): for small sizes and tests.
  models::ScanParams<Rational> dense() const;
  // The same parameters as their nonzero entries (one key per source, one query per served
  // output): memory O(N), for the exact evaluation at lengths where dense() does not fit.
  models::SparseScalarScan sparse() const;
  // a^e exactly (cached).
  Rational power(long e) const;

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  CopySchedule schedule_;
  Rational decay_;
  Compensation split_;
  std::size_t slots_ = 0;
  std::size_t state_ = 0;
  std::vector<std::size_t> slot_of_;
  std::vector<long> kappa_;
  mutable std::map<long, Rational> powers_;
};

// The memory evaluate_slot_copy (slot_copy_eval.hpp) needs in one arithmetic: it keeps, per key
// exponent κ and value, the chain key u, a key u, a^2 key u, ... up to the longest distance an
// output reads, so the count is Σ_κ |V| (d_max(κ) + 1) values (O(L^2 |V|) for recall, whose keys
// all differ). Exact values grow by the decay's size per step (nothing for a power of two on the
// dyadic path); other arithmetics hold a fixed size per value (io::value_bytes).
// Time: one product per chain value, and per output and value a read-out product and its
// comparison with the value (a few exact operations of the chain value's size); other
// arithmetics count operations (core/time_cap.hpp) and one exact conversion per read-out.
struct SlotCopyEstimate {
  double bytes = 0;
  std::string what;
  TimeEstimate time;
};
SlotCopyEstimate estimate_slot_copy(const SlotCopyLayer& layer, const ValueSet& values, const arith::Precision& p);

}  // namespace freelunch::tasks
