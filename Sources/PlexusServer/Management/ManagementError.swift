import PlexusCore
import PlexusRouting

/// The management API's error type: fixed codes, rendered as `{"error": {"message", "code"}}` at the edge.
struct ManagementError: Error, Sendable {
    /// Fixed error codes with their HTTP status.
    enum Code: String, Sendable {
        case unauthorized
        case forbidden
        case adminDisabled = "admin_disabled"
        case notFound = "not_found"
        case invalidRequest = "invalid_request"
        case invalidConfig = "invalid_config"
        case conflict
        case `internal`

        var status: Int {
            switch self {
            case .unauthorized: 401
            case .forbidden, .adminDisabled: 403
            case .notFound: 404
            case .invalidRequest: 400
            case .invalidConfig: 422
            case .conflict: 409
            case .internal: 500
            }
        }
    }

    var code: Code
    var message: String
    /// Validation problems, for `invalid_config`.
    var problems: [ConfigProblem] = []

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    init(invalid error: ConfigError) {
        code = .invalidConfig
        message = error.description
        problems = error.problems
    }

    var json: JSONValue {
        var error = JSONObject()
        error["message"] = .string(message)
        error["code"] = .string(code.rawValue)
        if !problems.isEmpty { error["problems"] = .array(problems.map(\.json)) }
        var root = JSONObject()
        root["error"] = .object(error)
        return .object(root)
    }
}

extension ConfigProblem {
    /// `{"line", "column", "path", "message"}`.
    var json: JSONValue {
        var o = JSONObject()
        o["line"] = line.map { JSONValue.number(Double($0)) } ?? .null
        o["column"] = column.map { JSONValue.number(Double($0)) } ?? .null
        o["path"] = .string(path)
        o["message"] = .string(message)
        return .object(o)
    }
}
