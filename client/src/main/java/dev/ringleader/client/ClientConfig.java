package dev.ringleader.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;

/**
 * The client's settings, validated by {@link RingleaderClient.Builder} (with {@link SettingChecks})
 * and nowhere else. Defaults in {@link RingleaderClient.Builder}.
 */
record ClientConfig(
    List<String> seeds,
    Duration callTimeout,
    Duration attemptTimeout,
    int maxAttempts,
    Backoff backoff,
    Duration ringRefresh,
    int maxInFlight,
    String requestType,
    ObjectMapper json,
    int ioThreads) {}
