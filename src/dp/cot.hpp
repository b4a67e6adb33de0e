#pragma once
// The outcome of generating a chain of thought: the tokens written, the direct solution, the first
// wrong token, and the costs the heads counted.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arith/rational.hpp"

namespace freelunch::dp {

struct CotCounters {
  std::uint64_t mul_adds_total = 0;      // over the whole stream (inputs and generation)
  std::uint64_t mul_adds_last_step = 0;  // since the token before the last generated one
  std::uint64_t mul_adds_max_step = 0;   // the largest such per-token cost
  std::uint64_t state_numbers = 0;       // numbers held in the state / KV cache, at the end
  std::uint64_t relu_units = 0;          // ReLU units of the last step's transition
};

struct CotOutcome {
  enum class State { correct, wrong, undecided };
  State state = State::correct;
  std::vector<std::optional<long>> cot;  // generated dp(1..); none: no token (non-finite, a tie,
                                         // outside the vocabulary, or an undecided enclosure)
  std::vector<long> expected;            // the direct solution
  std::optional<std::size_t> first_wrong;  // 1-based step of the first token that is not the
                                           // expected one (or, for intervals, not certified)
  std::optional<long> first_wrong_token;
  bool complete = true;                  // false: generation stopped early (no token, or asked to)
  Rational max_readout_error;            // largest |y - token| over the tokens read out
  CotCounters counters;

  bool correct() const { return state == State::correct; }
};

std::string to_string(CotOutcome::State s);

struct CotOptions {
  bool stop_at_first_wrong = false;  // searches: stop at the first wrong token
  bool count_only = false;           // cost sweeps: count, feed the expected tokens, compute nothing
  std::function<void(std::size_t done, std::size_t total)> on_position;  // after each stream position (progress)
};

}  // namespace freelunch::dp
