package import MeshAPI

extension MeshIndex {
    /// The Gateways whose `selector` the labels of `proxy` satisfy (from any namespace, as Istio
    /// selects gateway workloads by default), oldest first. Only router proxies have any.
    package func gateways(selecting proxy: ProxyIdentity) -> [(key: ConfigKey, spec: Istio_Networking_V1alpha3_Gateway)] {
        guard proxy.type == .router else { return [] }
        return snapshot.resources(of: .gateway).sorted(by: MeshResource.creationOrder).compactMap { resource in
            guard case .gateway(let gateway) = resource.spec, Self.labels(proxy.labels, match: gateway.selector) else { return nil }
            return (resource.key, gateway)
        }
    }

    /// The MetaRouters bound to the Gateway `gateway` (`gateways` entries `namespace/name`, a bare
    /// name meaning the MetaRouter's namespace), oldest first.
    package func metaRouters(boundTo gateway: ConfigKey) -> [(key: ConfigKey, spec: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter)] {
        let qualified = "\(gateway.namespace)/\(gateway.name)"
        return snapshot.resources(of: .metaRouter).sorted(by: MeshResource.creationOrder).compactMap { resource in
            guard case .metaRouter(let router) = resource.spec,
                router.gateways.contains(where: { ($0.contains("/") ? $0 : "\(resource.key.namespace)/\($0)") == qualified })
            else { return nil }
            return (resource.key, router)
        }
    }
}
