#pragma once
// ReLU networks in sparse form (THEORY §3): the transition f of a DP, exact on integers.
//
// A circuit has k inputs (wires 0..k-1) and nodes appended in order; node w computes
//   v_w = Σ coefficient · v_wire + bias        (affine node)   or   relu(that)   (ReLU node)
// over earlier wires only, so it is a feed-forward ReLU network with skip connections, stored
// sparsely because the DP networks (the staircase, mod p, a max over i values for LIS) are sparse
// and grow with the step. Coefficients and biases are exact rationals (integers and halves here),
// converted once to the arithmetic: a rounded run rounds each product and sum as models::dot
// does under the rounding semantics.
//
// Cost: mul_adds() is Σ over nodes of the number of terms, the count the evaluation adds to the
// counters (a bias is one addition, not counted, as in models::dot).
#include <cstddef>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/rational.hpp"
#include "models/counters.hpp"
#include "models/dot.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch::dp {

using Wire = std::size_t;
using Terms = std::vector<std::pair<Wire, Rational>>;

class ReluCircuit {
 public:
  struct Node {
    Terms terms;  // non-empty
    Rational bias;
    bool relu = false;
  };

  explicit ReluCircuit(std::size_t inputs) : inputs_(inputs) {}

  std::size_t inputs() const { return inputs_; }
  Wire input(std::size_t k) const { return k; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Wire>& outputs() const { return outputs_; }
  std::size_t wires() const { return inputs_ + nodes_.size(); }
  std::size_t relu_units() const;
  std::size_t mul_adds() const { return mul_adds_; }

  Wire affine(Terms terms, Rational bias = 0);
  Wire relu(Terms terms, Rational bias = 0);
  void output(Wire w) { outputs_.push_back(w); }
  void clear_outputs() { outputs_.clear(); }
  // Multiply-adds and ReLU units of the nodes up to and including node k (k < nodes().size()).
  std::size_t mul_adds_through(std::size_t k) const { return cumulative_mul_adds_[k]; }
  std::size_t relu_units_through(std::size_t k) const { return cumulative_relu_[k]; }
  // The node that computes output k; none when the output is an input wire.
  std::optional<std::size_t> output_node(std::size_t k) const {
    return outputs_[k] < inputs_ ? std::nullopt : std::optional<std::size_t>(outputs_[k] - inputs_);
  }

  // Building blocks, each exact on the integers (and max/min on all reals).
  Wire max(Wire a, Wire b);                 // a + relu(b - a)
  Wire at_least(Wire x, long k);            // [x >= k] for integer x: relu(x - k + 1) - relu(x - k)
  // [x >= threshold] for x within 1/4 of an integer and a half-integer threshold t:
  // relu(2 (x - t) + 1/2) - relu(2 (x - t) - 1/2), 0 for x <= t - 1/4, 1 for x >= t + 1/4.
  Wire step(Wire x, const Rational& threshold);
  // The rounding staircase of THEORY §3 (models/staircase.hpp): x within 1/2 - δ of an integer
  // in [-bound, bound] gives that integer exactly, δ = 1/4; 4·bound ReLU units.
  Wire round(Wire x, long bound);
  // x mod p for an integer x in [0, hi]: x - p Σ_{k=1}^{⌊hi/p⌋} [x >= k p].
  Wire mod(Wire x, long p, long hi);

 private:
  Wire add(Terms terms, Rational bias, bool relu);
  std::size_t inputs_;
  std::vector<Node> nodes_;
  std::vector<Wire> outputs_;
  std::size_t mul_adds_ = 0;
  std::vector<std::size_t> cumulative_mul_adds_, cumulative_relu_;
};

// The circuit's coefficients in an arithmetic, converted once (through models::through_storage
// by the caller when a storage precision applies).
template <class V>
struct CompiledCircuit {
  struct Node {
    std::vector<std::pair<Wire, V>> terms;
    V bias;
    bool relu;
  };
  std::size_t inputs = 0;
  std::vector<Node> nodes;
  std::vector<Wire> outputs;
  std::size_t mul_adds = 0;
  std::vector<std::size_t> cumulative_mul_adds;  // as ReluCircuit::mul_adds_through
};

template <arith::Arithmetic A, class Convert>
CompiledCircuit<typename A::value_type> compile(const A&, const ReluCircuit& c, Convert&& convert) {
  CompiledCircuit<typename A::value_type> out;
  out.inputs = c.inputs();
  out.outputs = c.outputs();
  out.mul_adds = c.mul_adds();
  for (std::size_t k = 0; k < c.nodes().size(); ++k) out.cumulative_mul_adds.push_back(c.mul_adds_through(k));
  out.nodes.reserve(c.nodes().size());
  for (const auto& node : c.nodes()) {
    typename CompiledCircuit<typename A::value_type>::Node n{{}, convert(node.bias), node.relu};
    n.terms.reserve(node.terms.size());
    for (const auto& [w, q] : node.terms) n.terms.emplace_back(w, convert(q));
    out.nodes.push_back(std::move(n));
  }
  return out;
}

// The outputs for the given inputs (x.size() == c.inputs). Adds c.mul_adds to the counters.
template <arith::Arithmetic A>
std::vector<typename A::value_type> evaluate(const A& ar, const CompiledCircuit<typename A::value_type>& c,
                                             std::span<const typename A::value_type> x, const models::RoundingSemantics& sem,
                                             models::Counters* counters = nullptr) {
  using V = typename A::value_type;
  std::vector<V> wire(x.begin(), x.end());
  wire.reserve(c.inputs + c.nodes.size());
  const V zero = ar.from_int(0);
  for (const auto& node : c.nodes) {
    V z = models::dot(ar, node.terms.size(), [&](std::size_t i) -> const V& { return node.terms[i].second; },
                      [&](std::size_t i) -> const V& { return wire[node.terms[i].first]; }, sem);
    z += node.bias;
    wire.push_back(node.relu ? ar.max(z, zero) : std::move(z));
  }
  if (counters) counters->mul_adds += c.mul_adds;
  std::vector<V> out;
  for (Wire w : c.outputs) out.push_back(wire[w]);
  return out;
}

// Output k only, evaluating the nodes up to the one that computes it: for networks whose prefixes
// are the networks of successive steps (Problem::lis_network). x may hold fewer inputs than the
// circuit has when the prefix reads no others (the rest are taken as 0). Adds the prefix's
// multiply-adds to the counters.
template <arith::Arithmetic A>
typename A::value_type evaluate_prefix(const A& ar, const CompiledCircuit<typename A::value_type>& c,
                                       std::span<const typename A::value_type> x, std::size_t k,
                                       const models::RoundingSemantics& sem, models::Counters* counters = nullptr) {
  using V = typename A::value_type;
  const V zero = ar.from_int(0);
  std::vector<V> wire(x.begin(), x.end());
  wire.resize(c.inputs, zero);
  const Wire target = c.outputs[k];
  if (target < c.inputs) return wire[target];
  const std::size_t last = target - c.inputs;
  wire.reserve(c.inputs + last + 1);
  for (std::size_t n = 0; n <= last; ++n) {
    const auto& node = c.nodes[n];
    V z = models::dot(ar, node.terms.size(), [&](std::size_t i) -> const V& { return node.terms[i].second; },
                      [&](std::size_t i) -> const V& { return wire[node.terms[i].first]; }, sem);
    z += node.bias;
    wire.push_back(node.relu ? ar.max(z, zero) : std::move(z));
  }
  if (counters) counters->mul_adds += c.cumulative_mul_adds[last];
  return wire[target];
}

// The circuit with its single output changed by `delta` on the one integer input `at`
// (at.size() == c.inputs(), |at_k| <= bound): the output plus delta · relu(Σ_k eq_k - (k - 1)),
// eq_k = [round(x_k) = at_k] from two at_least steps; exact on inputs within 1/4 of integers in
// [-bound, bound], and equal to c's output on every other such input. A falsifier: f wrong in one
// entry of its table.
ReluCircuit with_changed_entry(ReluCircuit c, const std::vector<long>& at, long delta, long bound);

// The exact value on integer inputs (tests, and the check that a circuit computes f).
std::vector<Rational> evaluate_exact(const ReluCircuit& c, const std::vector<Rational>& x);

}  // namespace freelunch::dp
