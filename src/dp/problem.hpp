#pragma once
// DP problems with chain of thought (THEORY §3) as values: the inputs allowed, the value bound V,
// the dependency rule, the transition f as a ReLU network exact on integers, and the direct
// solver that is the ground truth.
//
//   halfindex-mod  dp(i) = (dp(i-1) + dp(⌊i/2⌋) + s_i) mod p,   s_i in [0, p-1]     general
//   lis            dp(i) = 1 + max{dp(j) : j < i, s_j < s_i} (0 if none), s_i in [0, 9]  general
//   kadane         dp(i) = max(s_i, dp(i-1) + s_i), s_i in [-9, 9]                  m = 1
//   robber         dp(i) = max(dp(i-1), dp(i-2) + s_i), s_i in [0, 9]                 m = 2
//   trib-mod       dp(i) = (dp(i-1) + dp(i-2) + dp(i-3) + s_i) mod p, s_i in [0, p-1] m = 3
//
// dp(j) = 0 for j <= 0 in every problem (so Kadane starts at dp(1) = max(s_1, s_1) = s_1).
// General problems use the stream [s_1..s_T][dp(1)..dp(T)], local ones the interleaved stream
// s_1, dp(1), s_2, dp(2), ... (stream.hpp). The input ranges are part of the problem: the models
// are built from T and the problem before they see the input, so the value bound V is a bound
// over every valid input of length T.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dp/relu_circuit.hpp"

namespace freelunch::dp {

enum class ProblemKind { halfindex_mod, lis, kadane, robber, trib_mod };

// One value a step reads: the input s_index, or the value dp(index) (index <= 0 reads 0).
struct Dependency {
  enum class Kind { input, value };
  Kind kind;
  long index;
  bool operator==(const Dependency&) const = default;
};

class Problem {
 public:
  // p is used by the mod-p problems (p >= 2); UsageError otherwise.
  Problem(ProblemKind kind, long p = 7);

  ProblemKind kind() const { return kind_; }
  long modulus() const { return p_; }
  bool has_modulus() const;
  std::string id() const;           // "halfindex-mod"
  std::string name() const;         // "halfindex-mod p=7", "kadane"
  std::string rule() const;         // the recurrence in one line
  bool is_local() const { return locality() > 0; }
  long locality() const;            // m; 0 for general problems
  // LIS aggregates over every earlier position: its step reads all of them.
  bool aggregates() const { return kind_ == ProblemKind::lis; }
  long input_min() const;
  long input_max() const;
  // V: |s_i| <= V and |dp(i)| <= V for every valid input of length T.
  long value_bound(std::size_t length) const;

  // UsageError naming the first token outside [input_min, input_max], or an empty input.
  void validate_input(const std::vector<long>& s) const;
  // dp(1..T), computed directly.
  std::vector<long> solve(const std::vector<long>& s) const;
  // What step i (1-based) reads, in the order the transition takes them.
  std::vector<Dependency> dependencies(std::size_t i) const;
  // f for step i as a ReLU network: inputs the dependencies' values, one output dp(i). Exact on
  // integer inputs within the bounds for length T; its inputs are first rounded by the
  // staircase where f is discontinuous (mod p, the comparisons of LIS), so inputs within 1/4 of
  // the integers give the exact value there. Kadane and robber are 1-Lipschitz in the max norm:
  // errors pass through to the output, where the read-out rounds them.
  ReluCircuit transition(std::size_t i, std::size_t length) const;
  // LIS: the networks of steps 1..last in one, output k - 1 giving dp(k) from the inputs of step
  // k (a prefix of the inputs); the network of step k is the prefix up to output k - 1.
  ReluCircuit lis_network(std::size_t last, std::size_t length) const;
  // T inputs drawn uniformly from the input range by Rng(seed); Kadane draws from [-2, 4] so that
  // its values grow about linearly with T, as the precision checks need.
  std::vector<long> random_input(std::size_t length, std::uint64_t seed) const;

 private:
  ProblemKind kind_;
  long p_;
};

// "halfindex-mod", "lis", "kadane", "robber", "trib-mod"; UsageError listing them otherwise.
Problem parse_problem(const std::string& name, long p = 7);
std::vector<ProblemKind> all_problem_kinds();
std::string problem_names();  // "halfindex-mod, lis, kadane, robber, trib-mod"

}  // namespace freelunch::dp
