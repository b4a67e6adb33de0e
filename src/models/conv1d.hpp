#pragma once
// Mamba's short causal depthwise convolution, one channel, in PyTorch's Conv1d layout with
// padding K - 1 and the output truncated to N:
//   y_t = bias + Σ_{k=0}^{K-1} w[k] x_{t-(K-1)+k}   (x_j = 0 for j < 0),
// so w[K-1] multiplies the current input. Accumulated in the semantics' order.
#include <span>
#include <vector>

#include "models/dot.hpp"

namespace freelunch::models {

template <arith::Arithmetic A>
std::vector<typename A::value_type> causal_conv1d(const A& ar, std::span<const typename A::value_type> x,
                                                  std::span<const typename A::value_type> w,
                                                  const typename A::value_type& bias, const RoundingSemantics& sem,
                                                  Counters* counters = nullptr) {
  using V = typename A::value_type;
  const std::size_t k = w.size();
  if (k == 0) throw UsageError("conv1d needs a kernel of width >= 1");
  const V zero = ar.from_int(0);
  std::vector<V> y;
  y.reserve(x.size());
  for (std::size_t t = 0; t < x.size(); ++t) {
    auto input = [&](std::size_t i) -> const V& { return t + i >= k - 1 ? x[t + i - (k - 1)] : zero; };
    y.push_back(dot(ar, k, [&](std::size_t i) -> const V& { return w[i]; }, input, sem, counters) + bias);
  }
  return y;
}

}  // namespace freelunch::models
