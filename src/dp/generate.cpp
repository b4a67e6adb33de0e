#include "dp/generate.hpp"

namespace freelunch::dp {

std::string to_string(CotOutcome::State s) {
  switch (s) {
    case CotOutcome::State::correct: return "correct";
    case CotOutcome::State::wrong: return "wrong";
    case CotOutcome::State::undecided: return "undecided";
  }
  return "";
}

namespace detail {

std::vector<long> balanced_kappa(const Problem& problem, const Stream& stream, std::optional<std::size_t> which) {
  std::vector<std::size_t> longest(stream.length(), 0);
  if (!which && problem.aggregates()) {
    // Every position before the last step is read there, at the longest distance.
    const std::size_t last = stream.generating_position(stream.steps());
    for (std::size_t j = 0; j <= last; ++j) longest[j] = last - j;
  }
  for (std::size_t i = 1; i <= stream.steps() && !(!which && problem.aggregates()); ++i) {
    const std::size_t t = stream.generating_position(i);
    const std::vector<Dependency> deps = problem.dependencies(i);
    for (std::size_t h = 0; h < deps.size(); ++h) {
      if (which && h != *which) continue;
      const std::size_t j = stream.position(deps[h]);
      longest[j] = std::max(longest[j], t - j);
    }
  }
  std::vector<long> kappa;
  kappa.reserve(longest.size());
  for (std::size_t d : longest) kappa.push_back(static_cast<long>((d + 1) / 2));
  return kappa;
}

}  // namespace detail

}  // namespace freelunch::dp
