import PlexusCore

extension ConfigValidator {
    static func checkAliases(_ config: PlexusConfig, into issues: inout [Issue]) {
        var owners: [String: String] = [:]  // name -> alias that declared it first
        for alias in config.models {
            let path = "models.\(alias.name)"
            for (i, name) in alias.allNames.enumerated() {
                let namePath = i == 0 ? path : "\(path).additional_aliases[\(i - 1)]"
                if name.trimmingSpaces.isEmpty {
                    issues.append(Issue(namePath, "model name must not be empty"))
                } else if name.hasPrefix("direct/") {
                    issues.append(Issue(namePath, "'\(name)': names starting with direct/ are reserved"))
                } else if let owner = owners[name] {
                    let which = owner == alias.name ? "this alias" : "alias '\(owner)'"
                    issues.append(Issue(namePath, "duplicate model name '\(name)' (already used by \(which))"))
                } else {
                    owners[name] = alias.name
                }
            }
            checkPatterns(alias, config, into: &issues)
            checkTargets(alias, config, into: &issues)
            checkKinds(alias, config, into: &issues)
            if let fallback = alias.fallback, config.alias(named: fallback) == nil {
                issues.append(Issue("\(path).fallback", "unknown alias '\(fallback)'"))
            }
        }
        checkFallbackCycles(config, into: &issues)
    }

    static func checkTargets(_ alias: AliasConfig, _ config: PlexusConfig, into issues: inout [Issue]) {
        let path = "models.\(alias.name)"
        if alias.targets.isEmpty && alias.fallback == nil {
            issues.append(Issue("\(path).targets", "an alias needs at least one target (or a fallback)"))
        }
        var seen: Set<TargetID> = []
        for (i, target) in alias.targets.enumerated() {
            let targetPath = "\(path).targets[\(i)]"
            if !seen.insert(TargetID(provider: target.provider, model: target.model)).inserted {
                issues.append(Issue(targetPath, "duplicate target \(target.provider)/\(target.model)"))
            }
            if !(target.weight > 0) { issues.append(Issue("\(targetPath).weight", "must be greater than 0")) }
            guard let provider = config.provider(named: target.provider) else {
                issues.append(Issue("\(targetPath).provider", "unknown provider '\(target.provider)'"))
                continue
            }
            if target.model == TargetConfig.requestedModel {
                if alias.patterns.isEmpty {
                    issues.append(
                        Issue(
                            "\(targetPath).model",
                            "model '*' (the name the client asked for) needs patterns on the alias"))
                }
            } else if !provider.offers(model: target.model) {
                issues.append(
                    Issue(
                        "\(targetPath).model",
                        "provider '\(provider.name)' does not list model '\(target.model)' in its models"))
            }
        }
    }

    /// A pattern must hold a star and stand for names no pattern of an earlier alias stands for: a name two
    /// aliases claim would route by file order, which nobody reading the file would guess.
    static func checkPatterns(_ alias: AliasConfig, _ config: PlexusConfig, into issues: inout [Issue]) {
        for (i, pattern) in alias.patterns.enumerated() {
            let path = "models.\(alias.name).patterns[\(i)]"
            guard pattern.text.contains("*") else {
                issues.append(Issue(path, "'\(pattern)' has no '*': list exact names in additional_aliases"))
                continue
            }
            for other in config.models {
                if other.name == alias.name { break }
                if let clash = other.patterns.first(where: { $0.overlaps(pattern) }) {
                    issues.append(
                        Issue(
                            path,
                            "'\(pattern)' overlaps '\(clash)' of alias '\(other.name)': some name would match both"))
                }
            }
        }
    }

    /// An alias serves one kind of request: its listed target models (unlisted ones may serve either) must all be
    /// chat models or all embedding models, or a request would be sent to a model that cannot answer it.
    static func checkKinds(_ alias: AliasConfig, _ config: PlexusConfig, into issues: inout [Issue]) {
        var first: (kind: RequestKind, model: String)?
        for (i, target) in alias.targets.enumerated() {
            guard let model = config.provider(named: target.provider)?.model(named: target.model) else { continue }
            guard let seen = first else {
                first = (model.type, target.model)
                continue
            }
            if seen.kind != model.type {
                issues.append(
                    Issue(
                        "models.\(alias.name).targets[\(i)].model",
                        "'\(target.model)' serves \(model.type.rawValue) but '\(seen.model)' serves \(seen.kind.rawValue): "
                            + "an alias serves one kind (set `type` on the provider's model)"))
            }
        }
    }

    /// Reports each `fallback` loop once, at the first alias of the loop in file order.
    static func checkFallbackCycles(_ config: PlexusConfig, into issues: inout [Issue]) {
        var reported: Set<String> = []
        for alias in config.models where !reported.contains(alias.name) {
            var chain = [alias.name]
            var next = alias.fallback
            while let name = next, let step = config.alias(named: name) {
                if name == alias.name {
                    reported.formUnion(chain)
                    let loop = (chain + [name]).joined(separator: " -> ")
                    issues.append(Issue("models.\(alias.name).fallback", "fallback cycle: \(loop)"))
                    break
                }
                if chain.contains(name) { break }  // a loop that does not pass through this alias
                chain.append(name)
                next = step.fallback
            }
        }
    }
}
