import './zodJitless';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { App } from './App';
import { connectLab } from './api/labClient';

const { lab, via } = connectLab();
createRoot(document.getElementById('root')!).render(<App lab={lab} via={via} />);
