#pragma once
// The sequence matrix of a selective scan (THEORY §1.2, L1): y = M u with
//
//   M_ij = Σ_s c_i[s] (Π_{k=j+1..i} a_k[s]) b_j[s]   (j <= i, 0 above the diagonal),
//
// and, for a scalar decay, the masked linear attention (SSD) form M_ij = α_ij (c_i · b_j) with
// α_ij = Π_{k=j+1..i} a_k. Decay products are carried along each column, never recomputed:
// O(N^2 n) operations for M, O(|cols| · r1 · n) for a block.
#include <cstddef>

#include "arith/arithmetic.hpp"
#include "linalg/matrix.hpp"
#include "models/dot.hpp"
#include "models/selective_scan.hpp"

namespace freelunch::models {

// Rows [r0, r1) and columns [c0, c1) of M, per-state form (valid for either decay kind).
template <arith::Arithmetic A>
linalg::Matrix<typename A::value_type> sequence_matrix_block(const A& ar, const ScanParams<typename A::value_type>& p,
                                                             std::size_t r0, std::size_t r1, std::size_t c0, std::size_t c1,
                                                             const RoundingSemantics& sem) {
  using V = typename A::value_type;
  p.check_shapes();
  if (r0 > r1 || r1 > p.length || c0 > c1 || c1 > p.length) throw UsageError("sequence matrix block out of range");
  linalg::Matrix<V> m(r1 - r0, c1 - c0, ar.from_int(0));
  std::vector<V> carried(p.state, ar.from_int(0));  // (Π a) b_j, advanced row by row
  for (std::size_t j = c0; j < c1; ++j) {
    for (std::size_t s = 0; s < p.state; ++s) carried[s] = p.key(j, s);
    for (std::size_t i = j; i < r1; ++i) {
      if (i > j)
        for (std::size_t s = 0; s < p.state; ++s) carried[s] = p.decay(i, s) * carried[s];
      if (i >= r0)
        m(i - r0, j - c0) = dot(ar, p.state, [&](std::size_t s) -> const V& { return p.query(i, s); },
                                [&](std::size_t s) -> const V& { return carried[s]; }, sem);
    }
  }
  return m;
}

template <arith::Arithmetic A>
linalg::Matrix<typename A::value_type> sequence_matrix(const A& ar, const ScanParams<typename A::value_type>& p,
                                                       const RoundingSemantics& sem) {
  return sequence_matrix_block(ar, p, 0, p.length, 0, p.length, sem);
}

// The SSD form α_ij (c_i · b_j). Requires a scalar decay.
template <arith::Arithmetic A>
linalg::Matrix<typename A::value_type> sequence_matrix_ssd(const A& ar, const ScanParams<typename A::value_type>& p,
                                                           const RoundingSemantics& sem) {
  using V = typename A::value_type;
  p.check_shapes();
  if (p.decay_kind != DecayKind::scalar) throw UsageError("the SSD form needs a scalar decay");
  linalg::Matrix<V> m(p.length, p.length, ar.from_int(0));
  for (std::size_t j = 0; j < p.length; ++j) {
    V alpha = ar.from_int(1);
    for (std::size_t i = j; i < p.length; ++i) {
      if (i > j) alpha = alpha * p.a[i];
      const V score = dot(ar, p.state, [&](std::size_t s) -> const V& { return p.query(i, s); },
                          [&](std::size_t s) -> const V& { return p.key(j, s); }, sem);
      m(i, j) = alpha * score;
    }
  }
  return m;
}

// M u, row by row in the semantics' order (the "matrix form" output).
template <arith::Arithmetic A>
std::vector<typename A::value_type> apply_lower(const A& ar, const linalg::Matrix<typename A::value_type>& m,
                                                std::span<const typename A::value_type> u, const RoundingSemantics& sem) {
  using V = typename A::value_type;
  std::vector<V> y;
  for (std::size_t i = 0; i < m.rows(); ++i)
    y.push_back(dot(ar, i + 1, [&](std::size_t j) -> const V& { return m(i, j); }, [&](std::size_t j) -> const V& { return u[j]; }, sem));
  return y;
}

}  // namespace freelunch::models
