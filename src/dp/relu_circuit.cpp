#include "dp/relu_circuit.hpp"

#include <algorithm>

#include "arith/errors.hpp"

namespace freelunch::dp {

std::size_t ReluCircuit::relu_units() const {
  return static_cast<std::size_t>(std::count_if(nodes_.begin(), nodes_.end(), [](const Node& n) { return n.relu; }));
}

Wire ReluCircuit::add(Terms terms, Rational bias, bool relu) {
  if (terms.empty()) throw UsageError("ReLU circuit: a node needs at least one term");
  for (const auto& t : terms)
    if (t.first >= wires()) throw UsageError("ReLU circuit: a node reads a later wire");
  mul_adds_ += terms.size();
  cumulative_mul_adds_.push_back(mul_adds_);
  cumulative_relu_.push_back((cumulative_relu_.empty() ? 0 : cumulative_relu_.back()) + (relu ? 1 : 0));
  nodes_.push_back({std::move(terms), std::move(bias), relu});
  return wires() - 1;
}

Wire ReluCircuit::affine(Terms terms, Rational bias) { return add(std::move(terms), std::move(bias), false); }
Wire ReluCircuit::relu(Terms terms, Rational bias) { return add(std::move(terms), std::move(bias), true); }

Wire ReluCircuit::max(Wire a, Wire b) {
  const Wire r = relu({{b, 1}, {a, -1}});
  return affine({{a, 1}, {r, 1}});
}

Wire ReluCircuit::at_least(Wire x, long k) {
  const Wire hi = relu({{x, 1}}, Rational(1 - k));
  const Wire lo = relu({{x, 1}}, Rational(-k));
  return affine({{hi, 1}, {lo, -1}});
}

Wire ReluCircuit::step(Wire x, const Rational& threshold) {
  const Wire hi = relu({{x, 2}}, Rational(1, 2) - 2 * threshold);
  const Wire lo = relu({{x, 2}}, Rational(-1, 2) - 2 * threshold);
  return affine({{hi, 1}, {lo, -1}});
}

Wire ReluCircuit::round(Wire x, long bound) {
  // -bound + Σ_{k=-bound+1}^{bound} step(x, k - 1/2), each step formed (as a 0/1 value) before
  // the sum, as the formula reads: summing the ReLU outputs directly would carry partial sums of
  // size about bound·|x| whose rounding loses the steps in short formats (bf16).
  Terms sum;
  for (long k = -bound + 1; k <= bound; ++k) sum.emplace_back(step(x, Rational(2 * k - 1, 2)), 1);
  if (sum.empty()) return affine({{x, 0}}, Rational(-bound));  // bound 0: the constant 0
  return affine(std::move(sum), Rational(-bound));
}

Wire ReluCircuit::mod(Wire x, long p, long hi) {
  Terms terms{{x, 1}};
  for (long k = 1; k * p <= hi; ++k) terms.emplace_back(at_least(x, k * p), -p);
  return affine(std::move(terms));
}

ReluCircuit with_changed_entry(ReluCircuit c, const std::vector<long>& at, long delta, long bound) {
  if (at.size() != c.inputs() || c.outputs().size() != 1) throw UsageError("ReLU circuit: a changed entry needs one value per input and one output");
  Terms matches;
  for (std::size_t k = 0; k < at.size(); ++k) {
    const Wire x = c.round(c.input(k), bound);
    const Wire ge = c.at_least(x, at[k]), gt = c.at_least(x, at[k] + 1);
    matches.emplace_back(ge, 1);
    matches.emplace_back(gt, -1);
  }
  // All k inputs match: Σ eq_k = k, relu(k - (k - 1)) = 1; one or more differ: <= k - 1, relu = 0.
  const Wire hit = c.relu(std::move(matches), Rational(1 - static_cast<long>(at.size())));
  const Wire out = c.affine({{c.outputs()[0], 1}, {hit, Rational(delta)}});
  c.clear_outputs();
  c.output(out);
  return c;
}

std::vector<Rational> evaluate_exact(const ReluCircuit& c, const std::vector<Rational>& x) {
  if (x.size() != c.inputs()) throw UsageError("ReLU circuit: wrong number of inputs");
  std::vector<Rational> wire(x);
  for (const auto& node : c.nodes()) {
    Rational z = node.bias;
    for (const auto& [w, q] : node.terms) z += q * wire[w];
    wire.push_back(node.relu && z < 0 ? Rational(0) : z);
  }
  std::vector<Rational> out;
  for (Wire w : c.outputs()) out.push_back(wire[w]);
  return out;
}

}  // namespace freelunch::dp
