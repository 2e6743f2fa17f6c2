import { MemoryStorageProvider } from "../../src/storage/memory_storage.ts";
import { runStorageContract } from "./storage_contract.ts";

runStorageContract("memory", () => {
  const provider = new MemoryStorageProvider();
  return Promise.resolve({ provider, reopen: () => Promise.resolve(provider) });
});
