#pragma once
// A console reporter that also prints time ratios between benchmarks of the same run, each
// against its target, after the usual table:
//
//   exact(k/16) / raw mpq     cpu 0.210  real 0.212  target <= 0.250  met
//
// Each benchmark's time is the median over its repetitions (per-iteration CPU and real time),
// taken from the repetitions themselves or, with --benchmark_report_aggregates_only, from the
// "median" aggregate. A ratio whose benchmarks were filtered out is skipped. Verdicts use the
// CPU time, which the other jobs on a shared machine disturb less than the wall clock.
#include <benchmark/benchmark.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace freelunch::bench {

struct RatioSpec {
  std::string label;        // "exact(k/16) / raw mpq"
  std::string numerator;    // benchmark (function) names
  std::string denominator;
  std::optional<double> target_max;  // the ratio must be at most this; none: for information
};

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter(std::vector<RatioSpec> ratios, OutputOptions options);
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;
  // True when every ratio with a target was measured and met (after Finalize).
  bool all_targets_met() const { return all_met_; }

 private:
  struct Time {
    double cpu = 0;   // seconds per iteration
    double real = 0;
  };
  std::optional<Time> median_time(const std::string& name) const;

  std::vector<RatioSpec> ratios_;
  std::map<std::string, std::vector<Time>> repetitions_;
  std::map<std::string, Time> median_aggregates_;
  bool all_met_ = true;
};

}  // namespace freelunch::bench
