/* Helpers shared by bench_server.c and bench_client.c (header-only). */
#ifndef AERAKI_BENCH_COMMON_H
#define AERAKI_BENCH_COMMON_H

#include <grpc/grpc.h>
#include <grpc/support/time.h>
#include <stdio.h>
#include <stdlib.h>

#define BENCH_METHOD "/aeraki.bench.Push/Stream"
#define BENCH_MAX_MESSAGE (64 * 1024 * 1024)

/* Abort with a message when a gRPC core call does not return GRPC_CALL_OK. */
#define CHECK_CALL(expr)                                                     \
    do {                                                                     \
        grpc_call_error err_ = (expr);                                       \
        if (err_ != GRPC_CALL_OK) {                                          \
            fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__,    \
                    #expr, grpc_call_error_to_string(err_));                 \
            exit(2);                                                         \
        }                                                                    \
    } while (0)

/* Abort when an allocation / constructor returned NULL. */
#define CHECK_PTR(ptr)                                                       \
    do {                                                                     \
        if ((ptr) == NULL) {                                                 \
            fprintf(stderr, "%s:%d: %s is NULL\n", __FILE__, __LINE__, #ptr); \
            exit(2);                                                         \
        }                                                                    \
    } while (0)

/* Channel args: 64 MiB max message size both ways. Static storage. */
static inline const grpc_channel_args *bench_channel_args(void) {
    static grpc_arg args[2];
    static grpc_channel_args channel_args;
    args[0].type = GRPC_ARG_INTEGER;
    args[0].key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
    args[0].value.integer = BENCH_MAX_MESSAGE;
    args[1].type = GRPC_ARG_INTEGER;
    args[1].key = GRPC_ARG_MAX_SEND_MESSAGE_LENGTH;
    args[1].value.integer = BENCH_MAX_MESSAGE;
    channel_args.num_args = 2;
    channel_args.args = args;
    return &channel_args;
}

static inline gpr_timespec bench_deadline_in_ms(int64_t ms) {
    return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                        gpr_time_from_millis(ms, GPR_TIMESPAN));
}

#endif
