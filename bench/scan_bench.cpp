// Selective-scan benchmarks (docs/performance.md): the library's generic selective_scan in the
// arithmetics `exact`, `mpfr113`, `fp32`, `fp16` and `bf16`, each against a hand-written loop
// doing the same operations in the same order (raw_loops.hpp), on the instance of
// scan_instance.hpp. Prints the table of Google Benchmark and then the ratios with their targets.
//
// Every benchmark checks, after its timed loop, that the outputs of its last run equal the
// reference outputs (exactly; bit for bit, signed zeros included, for the rounded arithmetics)
// and aborts otherwise: a benchmark of a wrong computation is worthless. The references are the
// raw loops' outputs, computed once per process.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>  // std::cref
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/precision.hpp"
#include "core/version.hpp"
#include "models/rounding_semantics.hpp"
#include "models/selective_scan.hpp"
#include "ratio_reporter.hpp"
#include "raw_loops.hpp"
#include "scan_instance.hpp"

namespace freelunch::bench {
namespace {

// per-op, sequential, storage=compute: the semantics the raw loops implement.
const models::RoundingSemantics kSemantics{};

const ScanInstance& instance(int decay_denominator) {
  static const ScanInstance k16 = make_scan_instance(16);
  static const ScanInstance k15 = make_scan_instance(15);
  return decay_denominator == 16 ? k16 : k15;
}

// --- references and the check ---------------------------------------------------------------

enum class Ref { exact_k16, exact_k15, mpfr113, fp32, fp16, bf16 };

template <class Raw>
ScanOutputs run_once(Raw&& raw) {
  raw.run();
  return raw.outputs();
}

void verify(const std::string& benchmark, const ScanOutputs& got, const ScanOutputs& want);

// Values from the plain float emulation, flags from the hand-written binary64 emulation, whose
// values must agree: two independent algorithms.
ScanOutputs emulation_reference(FloatRounding rounding, int exp_bits, int man_bits) {
  ScanOutputs values = run_once(FloatScan(instance(16), rounding));
  const ScanOutputs hand = run_once(HandEmulationScan(instance(16), exp_bits, man_bits));
  verify("hand-written emulation (reference)", hand, values);
  values.flags = hand.flags;
  return values;
}

// Computed on first use only, so that a filtered run skips the references it does not need.
const ScanOutputs& reference(Ref which) {
  switch (which) {
    case Ref::exact_k16: { static const ScanOutputs r = run_once(RawMpqScan(instance(16))); return r; }
    case Ref::exact_k15: { static const ScanOutputs r = run_once(RawMpqScan(instance(15))); return r; }
    case Ref::mpfr113: { static const ScanOutputs r = run_once(RawMpfrScan(instance(16), 113)); return r; }
    case Ref::fp32: { static const ScanOutputs r = run_once(FloatScan(instance(16), FloatRounding::none)); return r; }
    case Ref::fp16: { static const ScanOutputs r = emulation_reference(FloatRounding::fp16, 5, 10); return r; }
    case Ref::bf16: { static const ScanOutputs r = emulation_reference(FloatRounding::bf16, 8, 7); return r; }
  }
  std::abort();
}

std::string flags_string(unsigned bits) {
  arith::Flags flags;
  for (unsigned bit = 1; bit <= static_cast<unsigned>(arith::Flag::invalid); bit <<= 1)
    if (bits & bit) flags.raise(static_cast<arith::Flag>(bit));
  return flags.to_string();
}

[[noreturn]] void fail(const std::string& benchmark, const std::string& what) {
  std::fprintf(stderr, "\nbenchmark %s computed a wrong result: %s\n", benchmark.c_str(), what.c_str());
  std::abort();
}

// Aborts unless got equals want exactly (values and signs of zeros). Also rejects a degenerate
// reference (mostly zero outputs), which would make the comparison meaningless.
void verify(const std::string& benchmark, const ScanOutputs& got, const ScanOutputs& want) {
  if (got.value.size() != want.value.size()) fail(benchmark, "wrong number of outputs");
  std::size_t nonzero = 0;
  for (std::size_t t = 0; t < want.value.size(); ++t) {
    if (got.value[t] != want.value[t] || got.negative_zero[t] != want.negative_zero[t])
      fail(benchmark, "y[" + std::to_string(t) + "] = " + (got.negative_zero[t] ? "-" : "") + to_string(got.value[t]) +
                          ", expected " + (want.negative_zero[t] ? "-" : "") + to_string(want.value[t]));
    if (want.value[t] != 0) ++nonzero;
  }
  if (2 * nonzero < want.value.size()) fail(benchmark, "degenerate reference: most outputs are zero");
  if (got.flags && want.flags && *got.flags != *want.flags)
    fail(benchmark, "flags " + flags_string(*got.flags) + ", expected " + flags_string(*want.flags));
}

// The exact value of a library output, and whether it is -0.
template <class A>
ScanOutputs library_outputs(const A& ar, const std::vector<typename A::value_type>& y) {
  ScanOutputs out;
  for (const auto& v : y) {
    if (!ar.is_finite(v)) return {};  // size mismatch: verify fails
    out.value.push_back(ar.to_rational(v));
    bool negative_zero = false;
    if constexpr (std::is_same_v<A, arith::MpfrArith>) {
      negative_zero = mpfr_zero_p(v.get()) && mpfr_signbit(v.get());
    } else if constexpr (std::is_same_v<A, arith::SoftFloatArith>) {
      negative_zero = v.value() == 0 && std::signbit(v.value());
    }
    out.negative_zero.push_back(negative_zero);
  }
  if constexpr (!A::is_exact) out.flags = ar.flags().bits();
  return out;
}

// --- the benchmarks -------------------------------------------------------------------------

// The library: precision name -> arithmetic through with_arithmetic (for `exact`, run_exact picks
// DyadicArith or falls back to RationalArith), parameters converted once, then selective_scan
// timed. `expected_path` is the arithmetic that must have been chosen ("dyadic", "rational", or
// the precision's name).
void library_scan(benchmark::State& state, const std::string& name, int decay_denominator, const std::string& precision,
                  const std::string& expected_path, Ref ref, bool warm_up = true) {
  const ScanInstance& inst = instance(decay_denominator);
  const ScanOutputs& want = reference(ref);
  arith::with_arithmetic(arith::parse_precision(precision), [&](const auto& ar) {
    using A = std::decay_t<decltype(ar)>;
    using V = typename A::value_type;
    if constexpr (!arith::PointArithmetic<A>) {
      fail(name, "not a point arithmetic");
    } else {
      // Conversion is setup: on k/15 decays DyadicArith throws NotDyadic here, not in the timed
      // loop, and run_exact calls this lambda again with RationalArith.
      const models::ScanParams<V> params = models::to_arithmetic(ar, inst.params, kSemantics);
      std::vector<V> u;
      for (const Rational& q : inst.u) u.push_back(ar.from_rational(q));
      std::string path = ar.name();
      if constexpr (requires { ar.path(); }) path = ar.path();
      if (path != expected_path) fail(name, "ran on " + path + ", expected " + expected_path);
      std::vector<V> y;
      if (warm_up) y = models::selective_scan(ar, params, std::span<const V>(u), kSemantics);

      for (auto _ : state) {
        y = models::selective_scan(ar, params, std::span<const V>(u), kSemantics);
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
      }
      verify(name, library_outputs(ar, y), want);
      state.SetLabel(path);
    }
  });
}

// One build of the emulated-format kernel (soft_float_scan.hpp), called directly: the narrower
// builds that the dispatcher skips on this processor, to show what a processor without AVX-512
// (or without AVX2) gets. The instance has no skip term D, so the kernel's output is the scan's.
void kernel_scan(benchmark::State& state, const std::string& name, const std::string& precision, models::detail::ScanIsa isa,
                 Ref ref) {
  const ScanInstance& inst = instance(16);
  const ScanOutputs& want = reference(ref);
  const arith::SoftFloatArith ar(std::get<arith::FloatSpec>(arith::parse_precision(precision).spec).format);
  const models::ScanParams<arith::SoftFloat> params = models::to_arithmetic(ar, inst.params, kSemantics);
  std::vector<arith::SoftFloat> u;
  for (const Rational& q : inst.u) u.push_back(ar.from_rational(q));
  const std::span<const arith::SoftFloat> in(u);
  auto run = [&] {
    return ar.sums_exact() ? models::detail::soft_float_scan_on<true>(isa, ar, params, in, kSemantics)
                           : models::detail::soft_float_scan_on<false>(isa, ar, params, in, kSemantics);
  };
  ar.clear_flags();
  std::vector<arith::SoftFloat> y = run();
  for (auto _ : state) {
    y = run();
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  verify(name, library_outputs(ar, y), want);
  state.SetLabel(precision + (isa == models::detail::ScanIsa::avx2 ? ", AVX2 build" : ", SSE2 build"));
}

// A raw loop: constructed (inputs converted, buffers allocated) and, with warm_up, run once
// untimed so that its preallocated numbers have their working size; then timed.
template <class Raw, class... Args>
void raw_scan(benchmark::State& state, const std::string& name, Ref ref, bool warm_up, const std::string& label,
              Args... args) {
  const ScanOutputs& want = reference(ref);
  Raw raw(args...);
  if (warm_up) raw.run();
  for (auto _ : state) {
    raw.run();
    benchmark::ClobberMemory();
  }
  verify(name, raw.outputs(), want);
  state.SetLabel(label);
}

void add_library(const std::string& name, int decay_denominator, const std::string& precision,
                 const std::string& expected_path, Ref ref, benchmark::TimeUnit unit, bool warm_up = true) {
  benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
    library_scan(st, name, decay_denominator, precision, expected_path, ref, warm_up);
  })->Unit(unit);
}

template <class Raw, class... Args>
void add_raw(const std::string& name, Ref ref, const std::string& label, benchmark::TimeUnit unit, bool warm_up,
             Args... args) {
  benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
    raw_scan<Raw>(st, name, ref, warm_up, label, args...);
  })->Unit(unit);
}

void register_benchmarks() {
  using benchmark::kMicrosecond;
  using benchmark::kMillisecond;
  const ScanInstance& k16 = instance(16);
  const ScanInstance& k15 = instance(15);

  // (a) dyadic data: exact (DyadicArith) vs canonical mpq vs a no-gcd dyadic loop.
  add_library("k16/exact", 16, "exact", "dyadic", Ref::exact_k16, kMillisecond);
  add_raw<RawMpqScan>("k16/raw_mpq", Ref::exact_k16, "mpq_t", kMillisecond, true, std::cref(k16));
  add_raw<RawDyadicScan>("k16/raw_dyadic", Ref::exact_k16, "mpz_t+exponent", kMillisecond, true, std::cref(k16));

  // (b) non-dyadic decays k/15: exact (falls back to RationalArith) vs mpq. One run takes seconds
  // (gcds of numbers of thousands of bits), so there is no warm-up run on either side.
  add_library("k15/exact", 15, "exact", "rational", Ref::exact_k15, kMillisecond, false);
  add_raw<RawMpqScan>("k15/raw_mpq", Ref::exact_k15, "mpq_t", kMillisecond, false, std::cref(k15));

  // (c) MPFR at 113 bits.
  add_library("k16/mpfr113", 16, "mpfr113", "mpfr113", Ref::mpfr113, kMillisecond);
  add_raw<RawMpfrScan>("k16/raw_mpfr113", Ref::mpfr113, "mpfr_t", kMillisecond, true, std::cref(k16), mpfr_prec_t{113});

  // (d) emulated formats (binary64 fast path) vs native float, and hand-written emulations.
  add_library("k16/fp16", 16, "fp16", "fp16", Ref::fp16, kMicrosecond);
  add_library("k16/bf16", 16, "bf16", "bf16", Ref::bf16, kMicrosecond);
  add_library("k16/fp32", 16, "fp32", "fp32", Ref::fp32, kMicrosecond);
  for (const auto isa : {models::detail::ScanIsa::avx2, models::detail::ScanIsa::baseline}) {
    if (isa >= models::detail::best_scan_isa()) continue;  // the widest build is the library's own benchmark
    for (const std::string precision : {"fp16", "bf16"}) {
      const std::string name = "k16/" + precision + (isa == models::detail::ScanIsa::avx2 ? "_avx2" : "_sse2");
      const Ref ref = precision == "fp16" ? Ref::fp16 : Ref::bf16;
      benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) { kernel_scan(st, name, precision, isa, ref); })->Unit(kMicrosecond);
    }
  }
  add_raw<FloatScan>("k16/native_float", Ref::fp32, "float", kMicrosecond, true, std::cref(k16), FloatRounding::none);
  add_raw<HandEmulationScan>("k16/hand_fp16", Ref::fp16, "binary64, branch-free step", kMicrosecond, true, std::cref(k16), 5, 10);
  add_raw<HandEmulationScan>("k16/hand_bf16", Ref::bf16, "binary64, branch-free step", kMicrosecond, true, std::cref(k16), 8, 7);
  add_raw<FloatScan>("k16/raw_fp16_emulation", Ref::fp16, "float+_Float16 casts", kMicrosecond, true, std::cref(k16),
                     FloatRounding::fp16);
  add_raw<FloatScan>("k16/raw_bf16_emulation", Ref::bf16, "float+bit rounding", kMicrosecond, true, std::cref(k16),
                     FloatRounding::bf16);
}

// The targets of the scale issue: exact dyadic within 1.1x of the raw dyadic loop; fp16 and bf16
// within 1.5x of native float where the processor has AVX-512 (the library then runs that build
// of its kernel), within 3x with AVX2. The AVX2 build's own ratios are held to the AVX2 target
// on every processor that can run it.
std::vector<RatioSpec> ratio_specs() {
  const bool avx512 = models::detail::best_scan_isa() == models::detail::ScanIsa::avx512;
  const double emulated_target = avx512 ? 1.5 : 3.0;
  const std::optional<double> avx2_build_target = avx512 ? std::optional<double>(3.0) : std::nullopt;  // registered only then
  return {
      {"exact(k/16) / raw mpq", "k16/exact", "k16/raw_mpq", 0.25},
      {"exact(k/16) / raw dyadic", "k16/exact", "k16/raw_dyadic", 1.1},
      {"raw dyadic / raw mpq", "k16/raw_dyadic", "k16/raw_mpq", std::nullopt},
      {"exact(k/15) / raw mpq", "k15/exact", "k15/raw_mpq", 1.5},
      {"mpfr113 / raw mpfr113", "k16/mpfr113", "k16/raw_mpfr113", 1.5},
      {"fp16 / native float", "k16/fp16", "k16/native_float", emulated_target},
      {"bf16 / native float", "k16/bf16", "k16/native_float", emulated_target},
      {"fp32 / native float", "k16/fp32", "k16/native_float", std::nullopt},
      {"fp16 AVX2 build / native float", "k16/fp16_avx2", "k16/native_float", avx2_build_target},
      {"bf16 AVX2 build / native float", "k16/bf16_avx2", "k16/native_float", avx2_build_target},
      {"fp16 SSE2 build / native float", "k16/fp16_sse2", "k16/native_float", std::nullopt},
      {"bf16 SSE2 build / native float", "k16/bf16_sse2", "k16/native_float", std::nullopt},
      {"fp16 / hand-written fp16", "k16/fp16", "k16/hand_fp16", std::nullopt},
      {"bf16 / hand-written bf16", "k16/bf16", "k16/hand_bf16", std::nullopt},
      {"hand-written fp16 / native float", "k16/hand_fp16", "k16/native_float", std::nullopt},
      {"hand-written bf16 / native float", "k16/hand_bf16", "k16/native_float", std::nullopt},
      {"float+bf16 rounding / native float", "k16/raw_bf16_emulation", "k16/native_float", std::nullopt},
      {"float+_Float16 casts / native float", "k16/raw_fp16_emulation", "k16/native_float", std::nullopt},
  };
}

}  // namespace
}  // namespace freelunch::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("freelunch", freelunch::kToolVersion);
  benchmark::AddCustomContext("instance", freelunch::bench::describe_instance());
  freelunch::bench::register_benchmarks();
  freelunch::bench::RatioReporter reporter(freelunch::bench::ratio_specs(),
                                           isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                                 : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
