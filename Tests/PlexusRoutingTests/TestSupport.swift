import Foundation
import PlexusCore
import PlexusRouting
import Testing

/// CONFIG.md's examples combined into one file.
let fullExampleYAML = """
    server:
      host: 127.0.0.1
      port: 4000
      admin_key: ${PLEXUS_ADMIN_KEY}
      max_body_bytes: 33554432
      cors_origins: []

    storage:
      url: sqlite://data/plexus.sqlite
      retention_days: 30
      debug_retention_days: 3

    failover:
      enabled: true
      retryable_status_codes: [408, 409, 425, 429, 500, 502, 503, 504, 529]
      max_attempts: 4
      request_timeout_seconds: 600
      first_byte_timeout_seconds: 60

    cooldown:
      initial_seconds: 30
      max_seconds: 1800
      retry_after_cap_seconds: 300

    routing:
      exploration_rate: 0.05
      sticky_sessions: true

    debug:
      capture: false
      capture_on_error: true

    pricing:
      openrouter_url: https://openrouter.ai/api/v1/models
      refresh_hours: 24

    providers:
      openai:
        display_name: OpenAI
        api_base_url: https://api.openai.com/v1
        api_key: ${OPENAI_API_KEY}
        enabled: true
        headers: { OpenAI-Organization: org-123 }
        extra_body: {}
        timeout_seconds: 300
        discount: 0
        models:
          gpt-4.1-mini:
            pricing: { source: simple, input: 0.40, output: 1.60, cached: 0.10 }
          gpt-4.1: {}
      anthropic:
        api_base_url: https://api.anthropic.com/v1
        api_key: ${ANTHROPIC_API_KEY}
        models:
          claude-sonnet-4-5:
            pricing:
              source: tiered
              tiers:
                - { up_to: 200000, input: 3.0, output: 15.0, cached: 0.30, cache_write: 3.75 }
                - { up_to: null,   input: 6.0, output: 22.5, cached: 0.60, cache_write: 7.50 }
      gemini:
        api_base_url: https://generativelanguage.googleapis.com/v1beta
        api_key: ${GEMINI_API_KEY}
        models: [gemini-2.5-flash, gemini-2.5-pro]
      hub:
        api_base_url:
          chat: https://llm-hub.example.net/openai/v1
          messages: https://llm-hub.example.net/anthropic/v1
        api_key: ${HUB_KEY}
        models:
          glm-4.6:
            access_via: [chat, messages]
            pricing: { source: openrouter, slug: z-ai/glm-4.6 }
      demo:
        api_base_url: mock://
        models: [demo-fast, demo-slow]

    models:
      smart:
        additional_aliases: [gpt-4o, claude-3-5-sonnet]
        selector: cost
        priority: api_match
        targets:
          - { provider: anthropic, model: claude-sonnet-4-5 }
          - { provider: openai, model: gpt-4.1, weight: 2 }
          - { provider: hub, model: glm-4.6, enabled: false }
      fast:
        selector: latency
        targets:
          - { provider: gemini, model: gemini-2.5-flash }
          - { provider: openai, model: gpt-4.1-mini }
        fallback: smart

    keys:
      laptop:
        secret: ${LAPTOP_KEY}
        comment: my laptop
        allowed_models: [smart, fast]
        expires_at: 2027-01-01T00:00:00Z

    """

let fullExampleEnvironment = [
    "PLEXUS_ADMIN_KEY": "admin-secret",
    "OPENAI_API_KEY": "sk-openai",
    "ANTHROPIC_API_KEY": "sk-ant",
    "GEMINI_API_KEY": "gm-key",
    "HUB_KEY": "hub-key",
    "LAPTOP_KEY": "laptop-secret",
]

/// A small valid config that other tests extend or break.
let minimalYAML = """
    providers:
      demo:
        api_base_url: mock://
        models: [demo-fast]
    models:
      fast:
        targets:
          - { provider: demo, model: demo-fast }

    """

func load(_ yaml: String, _ environment: [String: String] = [:]) throws -> PlexusConfig {
    try ConfigLoader.load(yaml: yaml, environment: environment, fileName: "plexus.yaml")
}

/// The problems of a config that must fail to load (an empty list if it loaded, so expectations fail).
func problems(_ yaml: String, _ environment: [String: String] = [:]) -> [ConfigProblem] {
    do {
        _ = try ConfigLoader.load(yaml: yaml, environment: environment, fileName: "plexus.yaml")
        return []
    } catch {
        return error.problems
    }
}

/// A deterministic stand-in digest for `KeyTable` tests (fixed length, like SHA-256).
let testDigest: KeyTable.Digest = { bytes in
    var state: [UInt8] = Array(repeating: 0x5a, count: 16)
    for (i, byte) in bytes.enumerated() {
        state[i % 16] = state[i % 16] &* 31 &+ byte
        state[(i + 7) % 16] ^= byte &+ UInt8(truncatingIfNeeded: i)
    }
    state.append(UInt8(truncatingIfNeeded: bytes.count))
    return state
}
