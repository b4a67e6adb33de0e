#pragma once
// Causal softmax attention (THEORY §1.3), max-subtracted as production kernels compute it:
//   g_ij = q_i · k_j,  m_i = max_{j<=i} g_ij,  w_ij = exp(g_ij - m_i) / Σ_{j'<=i} exp(g_ij' - m_i),
//   y_i = Σ_{j<=i} w_ij v_j.
// Subtracting m_i changes nothing mathematically; in intervals m_i is an enclosure of the maximum
// and the result still encloses the exact y_i. Needs exp: a usage error in `exact`.
// Counters: the KV cache holds t (d_k + d_v) numbers at step t; multiply-adds t (d_k + d_v)
// (t: the positions attended, the window's size for sliding-window attention).
#include <span>
#include <vector>

#include "core/cancel.hpp"
#include "linalg/matrix.hpp"
#include "models/dot.hpp"
#include "models/transcendental.hpp"

namespace freelunch::models {

template <class V>
struct SoftmaxAttention {
  linalg::Matrix<V> q, k, v;  // N x d_k, N x d_k, N x d_v
};

// Output row i (0-based) from the keys and values first..i (first > 0: sliding-window attention);
// the building block of generation.
template <arith::Arithmetic A>
std::vector<typename A::value_type> softmax_attention_row(const A& ar, const SoftmaxAttention<typename A::value_type>& sa, std::size_t i,
                                                          const RoundingSemantics& sem, Counters* counters = nullptr,
                                                          std::size_t first = 0) {
  using V = typename A::value_type;
  if constexpr (arith::TranscendentalArithmetic<A>) {
    const std::size_t dk = sa.q.cols(), dv = sa.v.cols();
    std::vector<V> logits;
    for (std::size_t j = first; j <= i; ++j)
      logits.push_back(dot(ar, dk, [&](std::size_t s) -> const V& { return sa.q(i, s); }, [&](std::size_t s) -> const V& { return sa.k(j, s); },
                           sem, counters));
    V top = logits[0];
    for (const V& g : logits) top = ar.max(top, g);
    std::vector<V> weights;
    for (const V& g : logits) weights.push_back(ar.exp(g - top));
    const V total = sum(std::span<const V>(weights), sem);
    std::vector<V> y;
    for (std::size_t c = 0; c < dv; ++c)
      y.push_back(dot(ar, i + 1 - first, [&](std::size_t j) -> const V& { return weights[j]; },
                      [&](std::size_t j) -> const V& { return sa.v(first + j, c); }, sem, counters) / total);
    if (counters) counters->hold((i + 1 - first) * (dk + dv));
    return y;
  } else {
    no_transcendental(ar, "softmax attention");
  }
}

template <arith::Arithmetic A>
linalg::Matrix<typename A::value_type> softmax_attention(const A& ar, const SoftmaxAttention<typename A::value_type>& sa,
                                                         const RoundingSemantics& sem, Counters* counters = nullptr) {
  const std::size_t length = sa.q.rows(), dv = sa.v.cols();
  if (sa.k.rows() != length || sa.v.rows() != length || sa.k.cols() != sa.q.cols()) throw UsageError("softmax attention shapes disagree");
  linalg::Matrix<typename A::value_type> y(length, dv, ar.from_int(0));
  for (std::size_t i = 0; i < length; ++i) {
    throw_if_cancelled();
    auto row = softmax_attention_row(ar, sa, i, sem, counters);
    for (std::size_t c = 0; c < dv; ++c) y(i, c) = std::move(row[c]);
  }
  return y;
}

}  // namespace freelunch::models
