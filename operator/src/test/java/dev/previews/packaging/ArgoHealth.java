package dev.previews.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Runs the Argo CD health check with a real Lua interpreter (LuaJ), the way Argo CD runs it: the
 * resource as the global {@code obj}, only the base, table, string and math libraries (no os, no
 * io), and the returned table's {@code status} and {@code message}.
 */
public final class ArgoHealth {
    public static final Path DIR =
            Manifests.ROOT.resolve("deploy/argocd/resource_customizations/previews.dev/PreviewDeployment");
    public static final Path SCRIPT = DIR.resolve("health.lua");

    public record Status(String status, String message) {}

    private ArgoHealth() {}

    public static Status of(Object resource) {
        return of(Manifests.JSON.convertValue(resource, JsonNode.class));
    }

    public static Status of(JsonNode resource) {
        Globals globals = new Globals();
        globals.load(new JseBaseLib());
        globals.load(new PackageLib());
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new JseMathLib());
        LoadState.install(globals);
        LuaC.install(globals);
        globals.set("obj", lua(resource));
        String script;
        try {
            script = Files.readString(SCRIPT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LuaValue hs = globals.load(script, "health.lua").call();
        return new Status(hs.get("status").optjstring(null), hs.get("message").optjstring(null));
    }

    static LuaValue lua(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return LuaValue.NIL;
        if (node.isBoolean()) return LuaValue.valueOf(node.booleanValue());
        if (node.isIntegralNumber() && node.canConvertToInt()) return LuaValue.valueOf(node.intValue());
        if (node.isNumber()) return LuaValue.valueOf(node.doubleValue());
        if (node.isTextual()) return LuaValue.valueOf(node.textValue());
        LuaTable table = new LuaTable();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) table.set(i + 1, lua(node.get(i)));
            return table;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            LuaValue v = lua(e.getValue());
            if (!v.isnil()) table.set(e.getKey(), v);
        }
        return table;
    }
}
