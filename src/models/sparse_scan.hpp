#pragma once
// The selective scan with a scalar decay (Mamba-2's kind, THEORY §1.1) and sparse keys and
// queries, evaluated exactly in O(N + nonzeros) instead of O(N n):
//
//   h_t = a_t h_{t-1} + b_t u_t,   y_t = c_t · h_t (+ D u_t).
//
// With P_t = a_1 ··· a_t the state is h_t = P_t g_t, where g_t = g_{t-1} + b_t u_t / P_t only
// changes in the entries b_t touches, and y_t = P_t (c_t · g_t) reads only the entries c_t
// touches. In exact arithmetic this is the same recurrence (every value equals selective_scan's
// on dense(), tested on random sparse layers); in a rounded one it is not, so it is exact only.
// A zero decay starts a new product (P restarts at 1, g is cleared).
//
// It is how layers whose dense form does not fit in memory are run exactly: T3's slot layer at
// L = 16384 has N n = 5.4e8 entries, 32768 of them nonzero.
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "arith/rational.hpp"
#include "models/rounding_semantics.hpp"
#include "models/scan_params.hpp"

namespace freelunch::models {

struct SparseEntry {
  std::size_t slot = 0;
  Rational value;
};

struct SparseScalarScan {
  std::size_t length = 0;                       // N positions
  std::size_t state = 0;                        // n state entries
  std::vector<Rational> a;                      // N scalar decays
  std::vector<std::vector<SparseEntry>> b, c;   // per position, its nonzero key and query entries
  std::optional<Rational> skip;                 // D

  // Throws UsageError when the shapes disagree or a slot is out of range.
  void check_shapes() const;
  // The N x n parameters (for tests and small layers).
  ScanParams<Rational> dense() const;
  // The nonzero entries of a scalar-decay layer; UsageError for per-state decays.
  static SparseScalarScan from_dense(const ScanParams<Rational>& p);
};

// Every parameter rounded once through the semantics' storage precision (through_storage), as
// to_arithmetic does for the dense scan; the parameters themselves when it names none.
SparseScalarScan through_storage(const SparseScalarScan& p, const RoundingSemantics& sem);

// y_1..y_N exactly. Polls throw_if_cancelled() at every step.
std::vector<Rational> sparse_scalar_scan(const SparseScalarScan& p, std::span<const Rational> u);

}  // namespace freelunch::models
