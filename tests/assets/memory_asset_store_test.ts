import { MemoryAssetStore } from "../../src/assets/memory_asset_store.ts";
import { runAssetStoreContract } from "./asset_store_contract.ts";

runAssetStoreContract(
  "memory",
  () => Promise.resolve({ store: new MemoryAssetStore(), close: () => {} }),
);
