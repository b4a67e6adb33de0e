#include "ratio_reporter.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace freelunch::bench {

RatioReporter::RatioReporter(std::vector<RatioSpec> ratios, OutputOptions options)
    : benchmark::ConsoleReporter(options), ratios_(std::move(ratios)) {}

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  benchmark::ConsoleReporter::ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.error_occurred) continue;
    const double unit = benchmark::GetTimeUnitMultiplier(run.time_unit);
    const Time time{run.GetAdjustedCPUTime() / unit, run.GetAdjustedRealTime() / unit};
    const std::string& name = run.run_name.function_name;
    if (run.run_type == Run::RT_Iteration) {
      repetitions_[name].push_back(time);
    } else if (run.aggregate_name == "median") {
      median_aggregates_[name] = time;
    }
  }
}

std::optional<RatioReporter::Time> RatioReporter::median_time(const std::string& name) const {
  const auto reps = repetitions_.find(name);
  if (reps == repetitions_.end() || reps->second.empty()) {
    const auto agg = median_aggregates_.find(name);
    if (agg == median_aggregates_.end()) return std::nullopt;
    return agg->second;
  }
  // The median of each column separately (as Google Benchmark's "median" aggregate does).
  const auto median = [](std::vector<double> xs) {
    std::sort(xs.begin(), xs.end());
    const std::size_t m = xs.size() / 2;
    return xs.size() % 2 == 1 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
  };
  std::vector<double> cpu, real;
  for (const Time& t : reps->second) {
    cpu.push_back(t.cpu);
    real.push_back(t.real);
  }
  return Time{median(cpu), median(real)};
}

void RatioReporter::Finalize() {
  std::ostream& out = GetOutputStream();
  out << "\nRatios (median time per iteration of the numerator / of the denominator; verdict on CPU time):\n";
  char line[256];
  for (const RatioSpec& r : ratios_) {
    const auto num = median_time(r.numerator);
    const auto den = median_time(r.denominator);
    if (!num || !den) {
      if (r.target_max) all_met_ = false;
      std::snprintf(line, sizeof line, "  %-38s not measured in this run\n", r.label.c_str());
      out << line;
      continue;
    }
    const double cpu = num->cpu / den->cpu;
    const double real = num->real / den->real;
    std::string verdict = "(information)";
    if (r.target_max) {
      const bool met = cpu <= *r.target_max;
      all_met_ = all_met_ && met;
      char buf[96];
      if (met) {
        std::snprintf(buf, sizeof buf, "target <= %.2f  met", *r.target_max);
      } else {
        std::snprintf(buf, sizeof buf, "target <= %.2f  MISSED by %.2fx", *r.target_max, cpu / *r.target_max);
      }
      verdict = buf;
    }
    std::snprintf(line, sizeof line, "  %-38s = %8.3f  (real %8.3f)  %s\n", r.label.c_str(), cpu, real, verdict.c_str());
    out << line;
  }
  out.flush();
}

}  // namespace freelunch::bench
