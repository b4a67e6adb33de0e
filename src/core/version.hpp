#pragma once
// The versions every result carries. kToolVersion is "0.1.0 (git describe)", written at build
// time by cmake/version.cmake (so a rebuild after a commit or an edit reports it, not the state at
// configure time).
namespace freelunch {
extern const char* const kToolVersion;
inline constexpr const char* kPaperVersion = "arXiv 2410.03810 v2 numbering";
}  // namespace freelunch
