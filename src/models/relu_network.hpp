#pragma once
// Feed-forward ReLU networks with exact rational weights (THEORY §3): every piecewise linear f
// with integer breakpoints (+, -, max, min, comparisons, mod p on a bounded range) is computed
// exactly by one. A layer computes W x + b, followed by ReLU except on the last layer.
// Weights are converted once to the arithmetic (to_arithmetic), so rounded runs round them.
#include <vector>

#include "linalg/matrix.hpp"
#include "models/dot.hpp"

namespace freelunch::models {

template <class V>
struct DenseLayer {
  linalg::Matrix<V> weight;  // out x in
  std::vector<V> bias;       // out
};

template <class V>
struct ReluNetwork {
  std::vector<DenseLayer<V>> layers;
  std::size_t inputs() const { return layers.empty() ? 0 : layers.front().weight.cols(); }
  std::size_t outputs() const { return layers.empty() ? 0 : layers.back().weight.rows(); }
};

template <arith::Arithmetic A>
ReluNetwork<typename A::value_type> to_arithmetic(const A& ar, const ReluNetwork<Rational>& net) {
  ReluNetwork<typename A::value_type> out;
  for (const auto& layer : net.layers) {
    DenseLayer<typename A::value_type> l{layer.weight.map([&](const Rational& q) { return ar.from_rational(q); }), {}};
    for (const Rational& q : layer.bias) l.bias.push_back(ar.from_rational(q));
    out.layers.push_back(std::move(l));
  }
  return out;
}

template <arith::Arithmetic A>
std::vector<typename A::value_type> apply(const A& ar, const ReluNetwork<typename A::value_type>& net,
                                          std::span<const typename A::value_type> x, const RoundingSemantics& sem,
                                          Counters* counters = nullptr) {
  using V = typename A::value_type;
  std::vector<V> current(x.begin(), x.end());
  const V zero = ar.from_int(0);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const auto& layer = net.layers[l];
    if (layer.weight.cols() != current.size()) throw UsageError("ReLU network: layer input size mismatch");
    std::vector<V> next;
    for (std::size_t o = 0; o < layer.weight.rows(); ++o) {
      V z = dot(ar, current.size(), [&](std::size_t i) -> const V& { return layer.weight(o, i); },
                [&](std::size_t i) -> const V& { return current[i]; }, sem, counters) + layer.bias[o];
      next.push_back(l + 1 < net.layers.size() ? ar.max(z, zero) : z);
    }
    current = std::move(next);
  }
  return current;
}

}  // namespace freelunch::models
