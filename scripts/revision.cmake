# revision.cmake — writes OUT, a header defining EBM_REVISION: the source
# tree's git revision (`git describe --always --dirty`), or "" outside git.
# Run at every build; the file changes only when the revision does, so only
# framework/base/version.c is compiled again.
execute_process(COMMAND git -C "${SRC}" describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE rev ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
set(text "#define EBM_REVISION \"${rev}\"\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT text STREQUAL old)
  file(WRITE "${OUT}" "${text}")
endif()
