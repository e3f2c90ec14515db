/*
 * libportforward: the one system call portforward needs that neither Java 17 nor Netty offers,
 * fcntl(F_SETPIPE_SZ), to give a spliced link a pipe larger than the kernel's 64 KiB default.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jni.h>

/* Sets the capacity of the pipe behind fd: the capacity the kernel gave, or -errno. */
JNIEXPORT jint JNICALL Java_portforward_transport_PipeSize_resize(JNIEnv *env, jclass cls, jint fd, jint bytes) {
    (void) env;
    (void) cls;
    int size = fcntl(fd, F_SETPIPE_SZ, bytes);
    return size < 0 ? -errno : size;
}

/* The capacity of the pipe behind fd, or -errno. */
JNIEXPORT jint JNICALL Java_portforward_transport_PipeSize_capacity(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    int size = fcntl(fd, F_GETPIPE_SZ);
    return size < 0 ? -errno : size;
}
