#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// SHA-256's 64 round constants (FIPS 180-4, 4.2.2), for the portable implementation too.
extern const uint32_t csha256_round_constants[64];

/// Whether this processor has the SHA extensions `csha256_blocks` uses (x86-64 only).
int csha256_available(void);

/// Runs SHA-256's compression function over `blocks` 64-byte blocks of `data`, updating
/// `state` (the eight working words, host order). Only when `csha256_available()`.
void csha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
