#pragma once
// Causal linear attention with optional scalar decay (THEORY §1.2):
//   y_i = Σ_{j<=i} α_ij (q_i · k_j) v_j,   α_ij = Π_{k=j+1..i} a_k (α = 1 without decay),
// computed by its recurrence S_t = a_t S_{t-1} + k_t v_t^T (n x d_v state), y_t = S_t^T q_t.
// With d_v = 1 and decay this is the scalar-decay selective scan (c = q, b = k, u = v).
// Counters: n d_v state numbers; per step 2 n d_v multiply-adds without decay, 3 n d_v with it.
#include <optional>
#include <span>
#include <vector>

#include "arith/errors.hpp"
#include "core/cancel.hpp"
#include "linalg/matrix.hpp"
#include "models/dot.hpp"

namespace freelunch::models {

template <class V>
struct LinearAttention {
  linalg::Matrix<V> q, k, v;   // N x n, N x n, N x d_v
  std::optional<std::vector<V>> decay;  // N scalar decays, or none (a = 1)
};

// Returns y as an N x d_v matrix.
template <arith::Arithmetic A>
linalg::Matrix<typename A::value_type> linear_attention(const A& ar, const LinearAttention<typename A::value_type>& la,
                                                        const RoundingSemantics& sem, Counters* counters = nullptr) {
  using V = typename A::value_type;
  const std::size_t length = la.q.rows(), n = la.q.cols(), dv = la.v.cols();
  if (la.k.rows() != length || la.k.cols() != n || la.v.rows() != length || (la.decay && la.decay->size() != length))
    throw UsageError("linear attention shapes disagree");
  const V one = ar.from_int(1);
  linalg::Matrix<V> state(n, dv, ar.from_int(0));
  linalg::Matrix<V> y(length, dv, ar.from_int(0));
  if (counters) counters->hold(n * dv);
  for (std::size_t t = 0; t < length; ++t) {
    throw_if_cancelled();
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t c = 0; c < dv; ++c) {
        if (la.decay) {
          state(s, c) = dot(ar, 2, [&](std::size_t i) -> const V& { return i == 0 ? (*la.decay)[t] : la.k(t, s); },
                            [&](std::size_t i) -> const V& { return i == 0 ? state(s, c) : la.v(t, c); }, sem, counters);
        } else {
          // Through dot() with the factor 1 so that fused semantics round S + k v once.
          state(s, c) = dot(ar, 2, [&](std::size_t i) -> const V& { return i == 0 ? one : la.k(t, s); },
                            [&](std::size_t i) -> const V& { return i == 0 ? state(s, c) : la.v(t, c); }, sem);
          if (counters) counters->mul_adds += 1;
        }
      }
    for (std::size_t c = 0; c < dv; ++c)
      y(t, c) = dot(ar, n, [&](std::size_t s) -> const V& { return la.q(t, s); }, [&](std::size_t s) -> const V& { return state(s, c); },
                    sem, counters);
  }
  return y;
}

}  // namespace freelunch::models
