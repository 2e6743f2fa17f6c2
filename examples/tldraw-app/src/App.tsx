import { getAssetUrlsByImport } from "@tldraw/assets/imports.vite";
import { useSync } from "@tldraw/sync";
import { useMemo } from "react";
import {
  AssetRecordType,
  type Editor,
  getHashForString,
  type TLAssetStore,
  type TLBookmarkAsset,
  Tldraw,
  uniqueId,
} from "tldraw";

/** Room ids the server accepts: 1–128 of `A–Z a–z 0–9 _ - . ~`. */
const ROOM_ID = /^[A-Za-z0-9_.~-]{1,128}$/;

/** The room from `/?room=<id>` or `/r/<id>`; otherwise a new random id, written to the URL. */
function roomFromLocation(): string {
  const url = new URL(location.href);
  const fromQuery = url.searchParams.get("room");
  if (fromQuery && ROOM_ID.test(fromQuery)) return fromQuery;
  const fromPath = /^\/r\/([^/]+)\/?$/.exec(url.pathname)?.[1];
  if (fromPath) {
    const id = decodeURIComponent(fromPath);
    if (ROOM_ID.test(id)) return id;
  }
  const id = uniqueId();
  url.searchParams.set("room", id);
  history.replaceState(null, "", url);
  return id;
}

/**
 * Images and videos go to the server's `/uploads/:roomId/:assetId` route, not into the document.
 * The room in the URL is what the server counts the upload against (its per-room quota) and
 * what its auth hook checks.
 */
function assetStoreFor(roomId: string): TLAssetStore {
  return {
    async upload(_asset, file, abortSignal) {
      const id = `${uniqueId()}-${file.name}`.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 120);
      const src = `/uploads/${encodeURIComponent(roomId)}/${encodeURIComponent(id)}`;
      const res = await fetch(src, {
        method: "PUT",
        body: file,
        headers: { "content-type": file.type || "application/octet-stream" },
        signal: abortSignal,
      });
      if (!res.ok) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
      return { src };
    },
    resolve(asset) {
      return asset.props.src;
    },
  };
}

/** Bookmark previews come from the server's `GET /unfurl?url=`. */
async function unfurlBookmarkUrl({ url }: { url: string }): Promise<TLBookmarkAsset> {
  const asset: TLBookmarkAsset = {
    id: AssetRecordType.createId(getHashForString(url)),
    typeName: "asset",
    type: "bookmark",
    meta: {},
    props: { src: url, title: "", description: "", image: "", favicon: "" },
  };
  try {
    const res = await fetch(`/unfurl?url=${encodeURIComponent(url)}`);
    if (res.ok) {
      const data = (await res.json()) as Partial<Record<string, unknown>>;
      const text = (v: unknown) => (typeof v === "string" ? v : "");
      asset.props.title = text(data.title);
      asset.props.description = text(data.description);
      asset.props.image = text(data.image);
      asset.props.favicon = text(data.favicon);
    }
  } catch (error) {
    console.warn("unfurl failed", error);
  }
  return asset;
}

/** Fonts, icons and translations bundled by Vite (no CDN: the app works offline). */
const assetUrls = getAssetUrlsByImport();

declare global {
  interface Window {
    /** The editor, for end-to-end tests and the devtools console. */
    editor?: Editor;
    /** The asset store, for end-to-end tests. */
    tlsyncAssets?: TLAssetStore;
  }
}

export function App() {
  const roomId = useMemo(roomFromLocation, []);
  const assets = useMemo(() => assetStoreFor(roomId), [roomId]);
  const uri = `${location.origin.replace(/^http/, "ws")}/connect/${encodeURIComponent(roomId)}`;
  const store = useSync({ uri, assets });
  return (
    <Tldraw
      store={store}
      assetUrls={assetUrls}
      onMount={(editor) => {
        editor.registerExternalAssetHandler("url", unfurlBookmarkUrl);
        window.editor = editor;
        window.tlsyncAssets = assets;
      }}
    />
  );
}
