#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// Whether this processor has the SHA extensions (and SSSE3 and SSE4.1) that
/// `csha256_compress_ni` needs. Always 0 off x86-64.
int csha256_has_ni(void);

/// Runs SHA-256's compression over `blocks` 64-byte blocks at `data`, updating the eight
/// words of `state` (a, b, ..., h) in place, with the x86 SHA instructions. Call only when
/// `csha256_has_ni()` is 1.
void csha256_compress_ni(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
