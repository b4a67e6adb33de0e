#define BOOST_TEST_MODULE precision
#include "support/test_support.hpp"

#include "arith/precision.hpp"

using namespace freelunch;
using namespace freelunch::arith;

BOOST_AUTO_TEST_CASE(named_formats_have_their_ieee_parameters) {
  const auto fp16 = std::get<FloatSpec>(parse_precision("fp16").spec);
  BOOST_TEST(fp16.format.precision() == 11);
  BOOST_TEST(fp16.format.max_finite() == Rational(65504));
  BOOST_TEST(fp16.format.mpfr_emin() == -23);
  BOOST_TEST(fp16.format.mpfr_emax() == 16);
  BOOST_TEST(!fp16.mpfr_path);
  const auto bf16 = std::get<FloatSpec>(parse_precision("bf16").spec).format;
  BOOST_TEST(bf16.mpfr_emin() == -132);
  BOOST_TEST(bf16.mpfr_emax() == 128);
  const auto fp32 = std::get<FloatSpec>(parse_precision("fp32").spec).format;
  BOOST_TEST(fp32.mpfr_emin() == -148);
  BOOST_TEST(fp32.max_finite() == Rational(static_cast<double>(3.40282346638528859811704183484516925440e+38f)));
  const auto e4m3 = std::get<FloatSpec>(parse_precision("e4m3").spec).format;
  BOOST_TEST(e4m3.max_finite() == Rational(448));
  BOOST_TEST(e4m3.min_subnormal() == pow2(-9));
  const auto e5m2 = std::get<FloatSpec>(parse_precision("e5m2").spec).format;
  BOOST_TEST(e5m2.max_finite() == Rational(57344));
  BOOST_TEST(e5m2.min_subnormal() == pow2(-16));
}

BOOST_AUTO_TEST_CASE(custom_and_path_suffixes) {
  const auto f = std::get<FloatSpec>(parse_precision("f5.10").spec);
  BOOST_TEST((f.format == std::get<FloatSpec>(parse_precision("fp16").spec).format));
  BOOST_TEST(std::get<FloatSpec>(parse_precision("fp16:mpfr").spec).mpfr_path);
  // Too wide for the binary64 fast path: MPFR path chosen automatically.
  BOOST_TEST(std::get<FloatSpec>(parse_precision("f8.30").spec).mpfr_path);
  BOOST_TEST(std::get<MpfrSpec>(parse_precision("mpfr113").spec).precision == 113);
  BOOST_TEST(std::get<IntervalSpec>(parse_precision("interval64").spec).precision == 64);
  const auto fix = std::get<FixedSpec>(parse_precision("fix16.16").spec).format;
  BOOST_TEST(fix.int_bits == 16);
  BOOST_TEST(fix.frac_bits == 16);
}

BOOST_AUTO_TEST_CASE(bad_names_are_usage_errors_listing_valid_forms) {
  for (const char* bad : {"fp17", "mpfr0", "mpfr1", "fix-1.3", "", "fix40.40", "f1.3", "f5.0", "interval", "EXACT", "fp16:mpfrx",
                          "mpfr99999999999"}) {
    BOOST_TEST_CONTEXT("name '" << bad << "'") {
      try {
        parse_precision(bad);
        BOOST_ERROR("accepted");
      } catch (const UsageError& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find("unknown precision") != std::string::npos);
        BOOST_TEST(what.find("valid:") != std::string::npos);
        BOOST_TEST(what.find('\n') == std::string::npos);
      }
    }
  }
  BOOST_CHECK_THROW(parse_precision_list("fp16,,fp32"), UsageError);
  BOOST_CHECK_THROW(parse_precision_list("fp16,fp16"), UsageError);
  BOOST_TEST(parse_precision_list("exact,fp16,e4m3").size() == 3u);
}
