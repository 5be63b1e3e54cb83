package dev.tether.client;

import dev.tether.client.internal.RealClient;
import java.util.Objects;
import java.util.concurrent.Executor;

/** The implementation of {@link TetherClient.Builder}. */
final class ClientBuilder implements TetherClient.Builder {
    private ClientConfig config;
    private ClientResources resources;
    private PushListener pushListener;
    private StateListener stateListener;
    private SessionLossListener sessionLossListener;
    private Executor listenerExecutor;

    @Override
    public TetherClient.Builder config(ClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        return this;
    }

    @Override
    public TetherClient.Builder endpoint(String host, int port) {
        this.config = ClientConfig.builder().endpoint(host, port).build();
        return this;
    }

    @Override
    public TetherClient.Builder resources(ClientResources resources) {
        this.resources = Objects.requireNonNull(resources, "resources");
        return this;
    }

    @Override
    public TetherClient.Builder onPush(PushListener listener) {
        this.pushListener = listener;
        return this;
    }

    @Override
    public TetherClient.Builder onStateChange(StateListener listener) {
        this.stateListener = listener;
        return this;
    }

    @Override
    public TetherClient.Builder onSessionLoss(SessionLossListener listener) {
        this.sessionLossListener = listener;
        return this;
    }

    @Override
    public TetherClient.Builder listenerExecutor(Executor executor) {
        this.listenerExecutor = executor;
        return this;
    }

    @Override
    public TetherClient build() {
        if (config == null) {
            throw new IllegalStateException("no configuration: call config(...) or endpoint(host, port)");
        }
        if (resources != null) {
            return new RealClient(config, resources.loops(), false, pushListener, stateListener, sessionLossListener, listenerExecutor);
        }
        ClientResources own = ClientResources.create(1);
        try {
            return new RealClient(config, own.loops(), true, pushListener, stateListener, sessionLossListener, listenerExecutor);
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }
}
