# Writes the tool version (project version and git describe) into a C++ source, at every build,
# rewriting the file only when the text changes so that an unchanged tree relinks nothing.
#   cmake -DSOURCE_DIR=... -DOUT=... -DPROJECT_VERSION=... -P version.cmake
execute_process(COMMAND git describe --always --dirty --tags
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE describe OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT describe)
  set(describe "unknown")
endif()
set(text "// Generated at build time by cmake/version.cmake; do not edit.\n#include \"core/version.hpp\"\n\nnamespace freelunch {\nconst char* const kToolVersion = \"${PROJECT_VERSION} (${describe})\";\n}  // namespace freelunch\n")
set(old "")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT old STREQUAL text)
  file(WRITE ${OUT} "${text}")
endif()
